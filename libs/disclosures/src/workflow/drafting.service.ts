import { createHash } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { Actor, AuditService, DataCipher, isValidIdNumber, maskIdNumber, normaliseIdNumber } from '@sunshine/access';
import { assertIfMatch, coreError, CoreErrorCode, Db } from '@sunshine/core';
import { RegionsService } from '@sunshine/regions';
import { EntityManager } from 'typeorm';

import { AccountChart } from '../account-chart.store';
import { ContentRepository, SubsidyInput } from '../content.repository';
import { disclosureError, DisclosureErrorCode } from '../disclosures.errors';
import { Category, DisclosureRow, DisclosuresRepository, RevisionRow } from '../disclosures.repository';
import { canonicalContent } from '../ledger/canonical-content';
import {
  FinanceLineInput,
  ImportContext,
  parseFinanceLinesCsv,
  parseFinanceLinesXlsx,
  validateFinanceLine,
} from '../lines/finance-line.format';
import { parsePeriod } from '../period';
import { PiiFinding, scanPdf } from '../pii/pii-scanner';
import { attachmentLabel, refusePersonalData, refusePersonalDataIn, scanContent } from '../pii/public-fields';
import { ATTACHMENT_MAX_BYTES, sniffMediaType } from './attachment-type';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A clerk's side: drafts, their lines, subsidy entries and attachments, imports, and submission. */
@Injectable()
export class DraftingService {
  constructor(
    private readonly disclosures: DisclosuresRepository,
    private readonly content: ContentRepository,
    private readonly chart: AccountChart,
    private readonly regions: RegionsService,
    private readonly audit: AuditService,
    private readonly cipher: DataCipher,
    private readonly db: Db,
  ) {}

  async create(
    input: { regionCode: string; category: Category; period: string; title: string; body: string },
    actor: Actor,
  ): Promise<string> {
    if ((await this.regions.levelOf(input.regionCode)) !== 5) throw disclosureError(DisclosureErrorCode.NotAVillage);
    const period = parsePeriod(input.period);
    if (!period) throw disclosureError(DisclosureErrorCode.InvalidPeriod, 'A period is YYYY-MM or YYYY-Qn.');
    return this.db.transaction(async (m) => {
      const { disclosureId, revisionId } = await this.disclosures.insert(
        { ...input, start: period.start, end: period.end, createdBy: actor.userId as string },
        m,
      );
      await this.disclosures.addStep(revisionId, 'create', actor.userId as string, null, m);
      await this.disclosures.addMaker(revisionId, actor.userId as string, m);
      await this.audit.record(
        actor,
        {
          action: 'disclosure.create',
          result: 'success',
          targetType: 'disclosure',
          targetId: disclosureId,
          regionCode: input.regionCode,
        },
        m,
      );
      return disclosureId;
    });
  }

  async updateDraft(
    id: string,
    ifMatch: string | undefined,
    fields: { title?: string; body?: string },
    actor: Actor,
  ): Promise<void> {
    await this.editing(
      id,
      { ifMatch },
      actor,
      'disclosure.edit',
      async (d, r, m) => {
        if (!(await this.disclosures.updateDraft(r.id, r.version, fields, m)))
          throw coreError(CoreErrorCode.PreconditionFailed);
        if (fields.title && r.number === 1) await this.disclosures.setTitle(d.id, fields.title, m);
      },
      false,
    );
  }

  async addLines(id: string, lines: Record<string, unknown>[], actor: Actor): Promise<number[]> {
    return this.editing(id, 'adds only', actor, 'disclosure.lines_add', async (d, r, m) => {
      const ctx = await this.importContext(d);
      const valid = lines.map((l, i) => {
        const result = validateFinanceLine(l, ctx);
        if (!result.ok)
          throw disclosureError(
            DisclosureErrorCode.InvalidLine,
            undefined,
            result.problems.map((p) => ({ field: `lines[${i}].${p.field}`, messages: [p.message] })),
          );
        return result.line;
      });
      return this.insertLines(d, r, valid, m);
    });
  }

  async replaceLine(
    id: string,
    lineNo: number,
    ifMatch: string | undefined,
    line: Record<string, unknown>,
    actor: Actor,
  ): Promise<void> {
    await this.editing(id, { ifMatch }, actor, 'disclosure.line_edit', async (d, r, m) => {
      if (line === null || typeof line !== 'object' || Array.isArray(line)) {
        throw disclosureError(DisclosureErrorCode.InvalidLine, 'Send the line as a JSON object.');
      }
      const result = validateFinanceLine(line, await this.importContext(d));
      if (!result.ok)
        throw disclosureError(
          DisclosureErrorCode.InvalidLine,
          undefined,
          result.problems.map((p) => ({ field: p.field, messages: [p.message] })),
        );
      if (!(await this.content.replaceLine(r.id, lineNo, result.line, m)))
        throw disclosureError(DisclosureErrorCode.LineNotFound);
    });
  }

  async deleteLine(id: string, lineNo: number, ifMatch: string | undefined, actor: Actor): Promise<void> {
    await this.editing(id, { ifMatch }, actor, 'disclosure.line_delete', async (_d, r, m) => {
      if (!(await this.content.deleteLine(r.id, lineNo, m))) throw disclosureError(DisclosureErrorCode.LineNotFound);
    });
  }

  /** Replaces all lines with a CSV or XLSX file: every row valid, or nothing saved and every bad row named. */
  async importLines(
    id: string,
    ifMatch: string | undefined,
    file: Buffer,
    mediaType: string,
    actor: Actor,
  ): Promise<number> {
    // Parse before the transaction: a file is read in a worker (up to its deadline) without holding
    // a connection or the draft's lock. The period, which picks the chart of accounts, never changes.
    const draft = await this.disclosures.find(id);
    if (!draft) throw disclosureError(DisclosureErrorCode.NotFound);
    const parse = mediaType === XLSX_TYPE ? parseFinanceLinesXlsx : parseFinanceLinesCsv;
    const parsed = await parse(file, await this.importContext(draft));
    if (!parsed.ok) {
      throw disclosureError(
        DisclosureErrorCode.ImportRejected,
        `${parsed.errors.length} bad row(s); nothing was saved.`,
        parsed.errors.map((e) => ({ field: `row ${e.row}`, messages: [e.reason] })),
      );
    }
    return this.editing(id, { ifMatch }, actor, 'disclosure.lines_import', async (d, r, m) => {
      await this.content.deleteAllLines(r.id, m);
      return (await this.insertLines(d, r, parsed.lines, m)).length;
    });
  }

  async addSubsidy(id: string, input: SubsidyInput & { idNumber: string }, actor: Actor): Promise<number> {
    return this.editing(id, 'adds only', actor, 'disclosure.subsidy_add', async (d, r, m) => {
      if (d.category !== 'village')
        throw disclosureError(DisclosureErrorCode.WrongState, 'Subsidy lists belong to village-affairs disclosures.');
      const idNumber = normaliseIdNumber(input.idNumber);
      if (!isValidIdNumber(idNumber))
        throw coreError(CoreErrorCode.ValidationFailed, undefined, [
          { field: 'idNumber', messages: ['must be an 18-character identity number with a valid check character'] },
        ]);
      const sealed = {
        cipher: this.cipher.encrypt(idNumber),
        hash: this.cipher.hmac(idNumber),
        masked: maskIdNumber(idNumber),
      };
      return this.content.addSubsidy(r.id, provinceOf(d), input, sealed, m);
    });
  }

  async deleteSubsidy(id: string, lineNo: number, ifMatch: string | undefined, actor: Actor): Promise<void> {
    await this.editing(id, { ifMatch }, actor, 'disclosure.subsidy_delete', async (_d, r, m) => {
      if (!(await this.content.deleteSubsidy(r.id, lineNo, m))) throw disclosureError(DisclosureErrorCode.LineNotFound);
    });
  }

  async addAttachment(id: string, filename: string, content: Buffer, actor: Actor): Promise<string> {
    refusePersonalDataIn({ filename }); // the name is public: refused at once, never stored
    if (content.length > ATTACHMENT_MAX_BYTES) throw disclosureError(DisclosureErrorCode.AttachmentTooLarge);
    const mediaType = sniffMediaType(content);
    if (!mediaType)
      throw disclosureError(
        DisclosureErrorCode.AttachmentType,
        'The file is not a PDF, JPEG or PNG (judged from its content).',
      );
    return this.editing(id, 'adds only', actor, 'disclosure.attachment_add', async (_d, r, m) =>
      this.content.addAttachment(
        r.id,
        { filename, mediaType, content, sha256: createHash('sha256').update(content).digest() },
        m,
      ),
    );
  }

  async deleteAttachment(id: string, attachmentId: string, ifMatch: string | undefined, actor: Actor): Promise<void> {
    await this.editing(id, { ifMatch }, actor, 'disclosure.attachment_delete', async (_d, r, m) => {
      if (!(await this.content.deleteAttachment(r.id, attachmentId, m)))
        throw disclosureError(DisclosureErrorCode.LineNotFound, 'No such attachment.');
    });
  }

  /**
   * Sends the revision to review — finance to the village monitor first, the rest to the township —
   * after the personal-data check of everything in it that would become public (public-fields.ts).
   */
  async submit(id: string, actor: Actor): Promise<void> {
    await this.db.transaction(async (m) => {
      const { d, r } = await this.open(id, m);
      refusePersonalData(await this.scan(d, r, m));
      await this.disclosures.setStatus(r.id, d.category === 'finance' ? 'monitor_review' : 'township_review', m, true);
      await this.disclosures.addStep(r.id, 'submit', actor.userId as string, null, m);
      await this.disclosures.addMaker(r.id, actor.userId as string, m);
      await this.audit.record(
        actor,
        {
          action: 'disclosure.submit',
          result: 'success',
          targetType: 'disclosure',
          targetId: d.id,
          regionCode: d.region_code,
          detail: { revision: r.number },
        },
        m,
      );
    });
  }

  /**
   * Everything of the revision that would become public, by the declared table (public-fields.ts):
   * every content field it does not exempt, and the PDF attachments' text and metadata.
   */
  private async scan(d: DisclosureRow, r: RevisionRow, m: EntityManager): Promise<PiiFinding[]> {
    const { lines, subsidies, attachments } = await this.content.bundle(r.id, m);
    const findings = scanContent(canonicalContent(d, r, lines, subsidies, attachments));
    for (const [i, a] of attachments.entries()) {
      if (a.mediaType !== 'application/pdf') continue;
      const file = await this.content.attachmentContent(a.id);
      if (file) findings.push(...(await scanPdf(file.content, attachmentLabel(a.filename, i + 1))));
    }
    return findings;
  }

  private async insertLines(
    d: DisclosureRow,
    r: RevisionRow,
    lines: FinanceLineInput[],
    m: EntityManager,
  ): Promise<number[]> {
    if (d.category !== 'finance') throw disclosureError(DisclosureErrorCode.NotFinance);
    const [chart] = await this.chart.on(d.period_start);
    return this.content.addLines(r.id, provinceOf(d), chart?.system ?? '2004', lines, m);
  }

  private async importContext(d: DisclosureRow): Promise<ImportContext> {
    const accounts = await this.chart.on(d.period_start);
    return { periodStart: d.period_start, periodEnd: d.period_end, accounts };
  }

  /** Runs an edit of the open revision (draft or returned) in one transaction, checking If-Match when required. */
  private async editing<T>(
    id: string,
    precondition: { ifMatch: string | undefined } | 'adds only',
    actor: Actor,
    action: string,
    edit: (d: DisclosureRow, r: RevisionRow, m: EntityManager) => Promise<T>,
    bump = true,
  ): Promise<T> {
    return this.db.transaction(async (m) => {
      const { d, r } = await this.open(id, m);
      if (r.status !== 'draft' && r.status !== 'returned')
        throw disclosureError(
          DisclosureErrorCode.WrongState,
          `The revision is ${r.status}; it can be edited only as a draft or once returned.`,
        );
      // Updates and removals need the current ETag; adding a line or a file does not (it overwrites nothing).
      if (precondition !== 'adds only') assertIfMatch(precondition.ifMatch, r.version);
      const result = await edit(d, r, m);
      if (bump) await this.disclosures.touch(r.id, m);
      await this.disclosures.addMaker(r.id, actor.userId as string, m); // an editor is a maker: never its approver
      await this.audit.record(
        actor,
        {
          action,
          result: 'success',
          targetType: 'disclosure',
          targetId: d.id,
          regionCode: d.region_code,
          detail: { revision: r.number },
        },
        m,
      );
      return result;
    });
  }

  private async open(id: string, m: EntityManager): Promise<{ d: DisclosureRow; r: RevisionRow }> {
    const d = await this.disclosures.find(id, m, true);
    if (!d) throw disclosureError(DisclosureErrorCode.NotFound);
    const r = await this.disclosures.openRevision(id, m, true);
    if (!r) throw disclosureError(DisclosureErrorCode.WrongState, 'Nothing is in the works: start a correction first.');
    return { d, r };
  }
}

function provinceOf(d: DisclosureRow): string {
  return String((BigInt(d.region_code) / 10_000_000_000n) * 10_000_000_000n);
}
