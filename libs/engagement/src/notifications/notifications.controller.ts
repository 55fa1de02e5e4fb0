import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, Principal } from '@sunshine/access';
import { ApiProblems, PageQueryDto } from '@sunshine/core';

import {
  NotificationPageDto,
  NotificationPreferencesDto,
  NotificationPreferencesInputDto,
  ReadAllResultDto,
} from './dto/notification.dto';
import { notificationError, NotificationErrorCode } from './notifications.errors';
import { NotificationsService } from './notifications.service';

const ID = /^[1-9][0-9]{0,17}$/;

@ApiTags('notifications')
@Controller('me')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get('notifications')
  @Authenticated()
  @ApiOperation({ summary: 'Your notifications, newest first, with the unread count' })
  @ApiOkResponse({ type: NotificationPageDto })
  @ApiProblems(400)
  list(@Query() query: PageQueryDto, @CurrentPrincipal() principal: Principal): Promise<NotificationPageDto> {
    return this.notifications.list(principal.userId, query.limit, query.cursor);
  }

  @Post('notifications/read-all')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({ summary: 'Mark all your notifications read' })
  @ApiOkResponse({ type: ReadAllResultDto })
  async readAll(@CurrentPrincipal() principal: Principal): Promise<ReadAllResultDto> {
    return { marked: await this.notifications.markAllRead(principal.userId) };
  }

  @Post('notifications/:id/read')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'Mark one of your notifications read' })
  @ApiNoContentResponse({ description: 'Read' })
  @ApiProblems(404)
  read(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    if (!ID.test(id)) throw notificationError(NotificationErrorCode.NotFound);
    return this.notifications.markRead(principal.userId, id);
  }

  @Get('notification-preferences')
  @Authenticated()
  @ApiOperation({ summary: 'How each kind of notification reaches you' })
  @ApiOkResponse({ type: NotificationPreferencesDto })
  preferences(@CurrentPrincipal() principal: Principal): Promise<NotificationPreferencesDto> {
    return this.notifications.preferences(principal.userId);
  }

  @Put('notification-preferences')
  @Authenticated()
  @ApiOperation({ summary: 'Choose immediate, daily digest or off for some kinds of notification' })
  @ApiOkResponse({ type: NotificationPreferencesDto })
  @ApiProblems(400)
  setPreferences(
    @Body() body: NotificationPreferencesInputDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<NotificationPreferencesDto> {
    return this.notifications.setPreferences(principal.userId, body);
  }
}
