import { Body, Controller, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor, Permission } from '@sunshine/access';
import { apiPath, ApiProblems, LOCATION_HEADER, ParsePositiveIntPipe } from '@sunshine/core';
import type { FastifyReply } from 'fastify';

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
  @ApiParam({ name: 'number', type: 'integer', description: 'The published revision, from 1' })
  @ApiCreatedResponse({
    type: RedactionReplyDto,
    headers: {
      Location: {
        ...LOCATION_HEADER,
        description: 'The revision, as published now: /api/v1/disclosures/{id}/revisions/{number}',
      },
    },
  })
  @ApiProblems(400, 404, 409, 415, 422)
  async redact(
    @Param('id', ID) id: string,
    @Param('number', ParsePositiveIntPipe) number: number,
    @Body() body: RedactDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RedactionReplyDto> {
    const redaction = await this.redaction.redact(id, number, body.fields, body.reason, actor);
    void reply.header('location', apiPath('disclosures', id, 'revisions', number));
    return redaction;
  }
}
