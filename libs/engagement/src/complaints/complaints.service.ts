import { createHash } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { Actor, AuditService, Permission, Principal, scopeCovers, scopeOf } from '@sunshine/access';
import { addDays, Clock, Db, Keyset, Page } from '@sunshine/core';
import {
  ATTACHMENT_MAX_BYTES,
  PublishedDisclosures,
  refusePersonalDataIn,
  sniffMediaType,
} from '@sunshine/disclosures';
import { RegionsService } from '@sunshine/regions';

import { toComplaintDto, toComplaintSummaryDto, toPublicComplaintDto } from './complaint.mapper';
import { ComplaintDuePolicyService } from './complaint-due-policy.service';
import { complaintError, ComplaintErrorCode } from './complaints.errors';
import { ComplaintRow, ComplaintsRepository } from './complaints.repository';
import {
  ComplaintCreatedDto,
  ComplaintDto,
  ComplaintStatus,
  ComplaintSummaryDto,
  FileComplaintDto,
  PublicComplaintDto,
} from './dto/complaint.dto';

const MAX_ATTACHMENTS = 10;

/** Newest first by filing time; the overdue list reuses the shape, oldest first. */
const FILED = new Keyset<[string, string]>(['timestamp', 'uuid']);
const keyOf = (r: ComplaintRow): [string, string] => [r.filed_key, r.id];

/** Filing, attachments and the reads of complaints: the complainant's, the officials' and the public's. */
@Injectable()
export class ComplaintsService {
  constructor(
    private readonly complaints: ComplaintsRepository,
    private readonly policies: ComplaintDuePolicyService,
    private readonly regions: RegionsService,
    private readonly disclosures: PublishedDisclosures,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly db: Db,
  ) {}

  /**
   * Files a complaint about any village, by any signed-in account (a resident, or an official as a
   * citizen); the township above it holds it, due to be accepted by the policy.
   */
  async file(input: FileComplaintDto, principal: Principal, actor: Actor): Promise<ComplaintCreatedDto> {
    const region = await this.regions.getRegion(input.regionCode);
    if (region.level !== 5)
      throw complaintError(ComplaintErrorCode.NotAVillage, `${input.regionCode} is not a village or community.`);
    const township = region.ancestors.find((a) => a.level === 4);
    if (!township)
      throw complaintError(ComplaintErrorCode.NotAVillage, `${input.regionCode} has no township above it.`);
    const disclosureId = input.disclosureId ?? null;
    if (disclosureId) {
      const disclosure = await this.disclosures.find(disclosureId);
      if (!disclosure) throw complaintError(ComplaintErrorCode.DisclosureNotFound);
      if (disclosure.regionCode !== input.regionCode)
        throw complaintError(ComplaintErrorCode.DisclosureOfAnotherVillage);
    }
    refusePersonalDataIn({ text: input.text });
    const days = await this.policies.daysFor(input.regionCode);
    const now = this.clock.now();
    const acceptDueAt = addDays(now, days.acceptDays);
    const id = await this.db.transaction(async (m) => {
      const created = await this.complaints.insert(
        {
          regionCode: input.regionCode,
          disclosureId,
          category: input.category,
          text: input.text,
          anonymousToPublic: input.anonymousToPublic,
          publicConsent: input.publicConsent,
          complainantId: principal.userId,
          handlerRegionCode: township.code,
          filedAt: now,
          acceptDueAt,
        },
        m,
      );
      await this.complaints.addEvent(
        created,
        { kind: 'filed', status: 'received', handlerRegionCode: township.code, note: null },
        principal.userId,
        now,
        m,
      );
      await this.audit.record(
        actor,
        {
          action: 'complaint.file',
          result: 'success',
          targetType: 'complaint',
          targetId: created,
          regionCode: input.regionCode,
          detail: { category: input.category, handlerRegionCode: township.code, disclosureId },
        },
        m,
      );
      return created;
    });
    return { id, handlerRegionCode: township.code, acceptDueAt: acceptDueAt.toISOString() };
  }

  /** The complainant adds a file while the complaint is still `received`. */
  async attach(id: string, content: Buffer, principal: Principal, actor: Actor): Promise<string> {
    if (content.length > ATTACHMENT_MAX_BYTES) throw complaintError(ComplaintErrorCode.AttachmentTooLarge);
    const mediaType = sniffMediaType(content);
    if (!mediaType)
      throw complaintError(
        ComplaintErrorCode.AttachmentType,
        'The file is not a PDF, JPEG or PNG (judged from its content).',
      );
    return this.db.transaction(async (m) => {
      const row = await this.complaints.find(id, m, true);
      if (!row || !this.canRead(row, principal)) throw complaintError(ComplaintErrorCode.NotFound);
      if (row.complainant_id !== principal.userId) throw complaintError(ComplaintErrorCode.NotTheComplainant);
      if (row.status !== 'received')
        throw complaintError(ComplaintErrorCode.WrongState, 'Files are added while the complaint is received only.');
      if ((await this.complaints.countAttachments(id, m)) >= MAX_ATTACHMENTS)
        throw complaintError(ComplaintErrorCode.TooManyAttachments);
      const attachmentId = await this.complaints.addAttachment(
        id,
        { mediaType, content, sha256: createHash('sha256').update(content).digest() },
        m,
      );
      await this.audit.record(
        actor,
        {
          action: 'complaint.attachment_add',
          result: 'success',
          targetType: 'complaint',
          targetId: id,
          regionCode: row.region_code,
          detail: { attachmentId, mediaType, size: content.length },
        },
        m,
      );
      return attachmentId;
    });
  }

  /** One complaint with its timeline, for its complainant or an official in scope of its handler; else 404. */
  async get(id: string, principal: Principal): Promise<ComplaintDto> {
    const row = await this.complaints.find(id);
    if (!row || !this.canRead(row, principal)) throw complaintError(ComplaintErrorCode.NotFound);
    const [timeline, attachments, duplicates] = await Promise.all([
      this.complaints.timeline(id),
      this.complaints.attachments(id),
      this.complaints.duplicatesOf(id),
    ]);
    return toComplaintDto(row, this.clock.now(), {
      mine: row.complainant_id === principal.userId,
      timeline,
      attachments,
      duplicates,
    });
  }

  /** A file of a complaint, for whoever may read the complaint; else 404. */
  async attachment(
    id: string,
    attachmentId: string,
    principal: Principal,
  ): Promise<{ mediaType: string; content: Buffer }> {
    const row = await this.complaints.find(id);
    if (!row || !this.canRead(row, principal)) throw complaintError(ComplaintErrorCode.NotFound);
    const file = await this.complaints.attachmentContent(id, attachmentId);
    if (!file) throw complaintError(ComplaintErrorCode.AttachmentNotFound);
    return { mediaType: file.media_type, content: file.content };
  }

  async listMine(principal: Principal, cursor: string | undefined, limit: number): Promise<Page<ComplaintSummaryDto>> {
    const rows = await this.complaints.listMine(principal.userId, FILED.decode(cursor), limit + 1);
    const now = this.clock.now();
    return FILED.page(rows, limit, keyOf, (r) => toComplaintSummaryDto(r, now));
  }

  /** Complaints about villages inside `code` that are held inside the caller's scope. */
  async listInRegion(
    code: string,
    status: ComplaintStatus | undefined,
    principal: Principal,
    cursor: string | undefined,
    limit: number,
  ): Promise<Page<ComplaintSummaryDto>> {
    const after = FILED.decode(cursor);
    const rows = await this.complaints.list({
      within: await this.regions.subtreeOf(code),
      handlerScope: scopeOf(principal, Permission.ComplaintHandle),
      status,
      after,
      limit: limit + 1,
    });
    const now = this.clock.now();
    return FILED.page(rows, limit, keyOf, (r) => toComplaintSummaryDto(r, now));
  }

  /** Overdue complaints held below `code` (the level above sees its offices' late ones). */
  async overdue(code: string, cursor: string | undefined, limit: number): Promise<Page<ComplaintSummaryDto>> {
    const now = this.clock.now();
    const rows = await this.complaints.overdue(
      code,
      await this.regions.subtreeOf(code),
      now,
      FILED.decode(cursor),
      limit + 1,
    );
    return FILED.page(rows, limit, keyOf, (r) => toComplaintSummaryDto(r, now));
  }

  /** Complaints whose complainant agreed to publication, without any name. */
  async listPublic(code: string, cursor: string | undefined, limit: number): Promise<Page<PublicComplaintDto>> {
    const rows = await this.complaints.list({
      within: await this.regions.subtreeOf(code),
      publicOnly: true,
      after: FILED.decode(cursor),
      limit: limit + 1,
    });
    return FILED.page(rows, limit, keyOf, toPublicComplaintDto);
  }

  private canRead(row: ComplaintRow, principal: Principal): boolean {
    return (
      row.complainant_id === principal.userId ||
      scopeCovers(scopeOf(principal, Permission.ComplaintHandle), row.handler_region_code)
    );
  }
}
