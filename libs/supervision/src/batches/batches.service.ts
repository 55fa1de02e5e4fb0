import { Injectable } from '@nestjs/common';
import { Actor, AuditService, Permission, Principal, RegionRange, scopeOf } from '@sunshine/access';
import { Clock, Db, FieldError, Keyset, Page, SpreadsheetMediaType } from '@sunshine/core';
import { scanText } from '@sunshine/disclosures';
import { RegionsService } from '@sunshine/regions';
import { EntityManager } from 'typeorm';

import { BatchIssueDto } from '../issues/dto/issue.dto';
import { IssueIntake } from '../issues/issue-intake.service';
import { IssuesService } from '../issues/issues.service';
import { toBatchDto, toBatchSummaryDto } from './batch.mapper';
import { BatchFileRow, BatchRowError, parseBatchFile } from './batch-file.format';
import { batchError, BatchErrorCode } from './batches.errors';
import { BatchesRepository, BatchRow } from './batches.repository';
import { BatchDto, BatchListQueryDto, BatchSummaryDto, CreateBatchDto } from './dto/batch.dto';

const CREATED = new Keyset<[string, string]>(['timestamp', 'uuid']);
const keyOf = (r: BatchRow): [string, string] => [r.created_key, r.id];

/** Batches of supervision issues: issued at county level or above, filled by hand or by an upload, with their figures. */
@Injectable()
export class BatchesService {
  constructor(
    private readonly batches: BatchesRepository,
    private readonly issues: IssuesService,
    private readonly intake: IssueIntake,
    private readonly regions: RegionsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly db: Db,
  ) {}

  async create(input: CreateBatchDto, principal: Principal, actor: Actor): Promise<string> {
    await this.checkBatch(input);
    return this.db.transaction((m) => this.insertBatch(input, principal, actor, m, 0));
  }

  /** Which of `codes` are regions inside `within`, from the tree in memory (no statement). */
  private async regionsInside(codes: Set<string>, within: RegionRange): Promise<Set<string>> {
    const inside = new Set<string>();
    const [from, to] = [BigInt(within.from), BigInt(within.to)];
    for (const code of codes)
      if (BigInt(code) >= from && BigInt(code) <= to && (await this.regions.exists(code))) inside.add(code);
    return inside;
  }

  /** A batch and all its issues from a file, or nothing: every bad row is named (422). */
  async upload(
    input: CreateBatchDto,
    file: Buffer,
    mediaType: SpreadsheetMediaType,
    principal: Principal,
    actor: Actor,
  ): Promise<{ id: string; issues: number }> {
    const within = await this.checkBatch(input);
    const parsed = await parseBatchFile(file, mediaType, input);
    const errors: BatchRowError[] = [...parsed.errors];
    const rows: BatchFileRow[] = parsed.rows;
    if (rows.length) {
      const inside = await this.regionsInside(new Set(rows.map((r) => r.regionCode)), within);
      for (const r of rows) {
        if (!inside.has(r.regionCode))
          errors.push({
            row: r.row,
            field: 'regionCode',
            reason: `${r.regionCode} is not a region inside ${input.regionCode}`,
          });
        for (const [field, text] of [
          ['title', r.title],
          ['description', r.description],
        ] as const)
          for (const finding of text ? scanText(text, field) : [])
            errors.push({ row: r.row, field, reason: `holds personal data (${finding.kind}: ${finding.excerpt})` });
      }
    }
    if (errors.length) {
      errors.sort((a, b) => a.row - b.row);
      throw batchError(
        BatchErrorCode.UploadRejected,
        `${new Set(errors.map((e) => e.row)).size} bad row(s); nothing was saved.`,
        errors.map((e): FieldError => ({ field: `row ${e.row} ${e.field}`, messages: [e.reason] })),
      );
    }
    const id = await this.db.transaction(async (m) => {
      const batchId = await this.insertBatch(input, principal, actor, m, rows.length);
      await this.intake.openMany(
        m,
        {
          source: 'batch',
          assignedByRegionCode: input.regionCode,
          batchId,
          createdBy: principal.userId,
          at: this.clock.now(),
        },
        rows,
      );
      return batchId;
    });
    return { id, issues: rows.length };
  }

  /** One issue added to a batch (source `batch`), responsible region inside the batch's region. */
  async addIssue(batchId: string, input: BatchIssueDto, principal: Principal, actor: Actor): Promise<string> {
    const batch = await this.batches.lock(batchId, this.db.manager);
    if (!batch) throw batchError(BatchErrorCode.NotFound);
    const within = await this.regions.subtreeOf(batch.region_code);
    const code = BigInt(input.regionCode);
    if (code < BigInt(within.from) || code > BigInt(within.to)) throw batchError(BatchErrorCode.RegionOutsideBatch);
    const checked = await this.issues.check(input);
    const dueOn = input.dueOn ?? batch.deadline;
    return this.db.transaction(async (m) => {
      if (!(await this.batches.lock(batchId, m))) throw batchError(BatchErrorCode.NotFound);
      const { id } = await this.intake.open(m, {
        source: 'batch',
        ...checked,
        assignedByRegionCode: batch.region_code,
        batchId,
        dueOn,
        createdBy: principal.userId,
        at: this.clock.now(),
      });
      await this.issues.recordOpened(actor, id, 'batch', checked.regionCode, batch.region_code, batchId, m);
      return id;
    });
  }

  async get(id: string): Promise<BatchDto> {
    const row = await this.batches.find(id, this.clock.now());
    if (!row) throw batchError(BatchErrorCode.NotFound);
    return toBatchDto(row, await this.batches.byRegion(id));
  }

  async list(query: BatchListQueryDto, principal: Principal): Promise<Page<BatchSummaryDto>> {
    const after = CREATED.decode(query.cursor);
    const within = query.region
      ? [await this.regions.subtreeOf(query.region)]
      : scopeOf(principal, Permission.IssueRead);
    const rows = await this.batches.list(within, this.clock.now(), after, query.limit + 1);
    return CREATED.page(rows, query.limit, keyOf, toBatchSummaryDto);
  }

  /** County level or above, an existing region, a deadline not before the issue date; its subtree. */
  private async checkBatch(input: CreateBatchDto): Promise<{ from: string; to: string }> {
    const level = await this.regions.levelOf(input.regionCode);
    if (level === null) throw batchError(BatchErrorCode.RegionNotFound, `There is no region ${input.regionCode}.`);
    if (level > 3) throw batchError(BatchErrorCode.LevelTooLow, `${input.regionCode} is below county level.`);
    if (input.deadline < input.issuedOn) throw batchError(BatchErrorCode.DeadlineBeforeIssue);
    return this.regions.subtreeOf(input.regionCode);
  }

  private async insertBatch(
    input: CreateBatchDto,
    principal: Principal,
    actor: Actor,
    m: EntityManager,
    issues: number,
  ): Promise<string> {
    const id = await this.batches.insert({ ...input, createdBy: principal.userId, at: this.clock.now() }, m);
    await this.audit.record(
      actor,
      {
        action: issues ? 'batch.upload' : 'batch.create',
        result: 'success',
        targetType: 'batch',
        targetId: id,
        regionCode: input.regionCode,
        detail: { name: input.name, issuedOn: input.issuedOn, deadline: input.deadline, issues },
      },
      m,
    );
    return id;
  }
}
