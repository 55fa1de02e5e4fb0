import { Body, Controller, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor, Permission } from '@sunshine/access';
import { ApiProblems, ParsePositiveIntPipe } from '@sunshine/core';

import { RedactDto, RedactionReplyDto } from '../dto/redaction.dto';
import { RedactionService } from './redaction.service';

const ID = new ParseUUIDPipe();
const DISCLOSURE = { resolve: 'disclosure', param: 'id' };

@ApiTags('disclosures: redaction')
@Controller()
export class RedactionController {
  constructor(private readonly redaction: RedactionService) {}

  @Post('disclosures/:id/revisions/:number/redactions')
  @Allow(Permission.DisclosureRedact, DISCLOSURE)
  @ApiOperation({
    summary:
      'Supervisor: take personal data down from a published revision (the fields show [已删除], marked with the date and reason; a ledger entry covers the new content)',
  })
  @ApiCreatedResponse({ type: RedactionReplyDto })
  @ApiProblems(400, 404, 409, 422)
  redact(
    @Param('id', ID) id: string,
    @Param('number', ParsePositiveIntPipe) number: number,
    @Body() body: RedactDto,
    @CurrentActor() actor: Actor,
  ): Promise<RedactionReplyDto> {
    return this.redaction.redact(id, number, body.fields, body.reason, actor);
  }
}
