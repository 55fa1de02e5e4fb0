import { Injectable } from '@nestjs/common';
import { ContentVersionSource, Db, ReplicaReads } from '@sunshine/core';
import { RegionsService } from '@sunshine/regions';
import type { FastifyRequest } from 'fastify';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const idOf = (request: FastifyRequest): string | null => {
  const id = (request.params as Record<string, unknown> | undefined)?.id;
  return typeof id === 'string' && UUID.test(id) ? id : null;
};

/**
 * The version of a visible (published or withdrawn) disclosure's content, for its detail,
 * revisions and diffs: its village's content version (bumped by every publication, correction,
 * withdrawal and redaction there), read by primary keys, and the region tree's, from memory (the
 * detail reads the same pair with its content). Null for a malformed id, a draft or no such
 * disclosure (the handler answers).
 */
@Injectable()
@ReplicaReads()
export class DisclosureContentVersion implements ContentVersionSource {
  constructor(
    private readonly db: Db,
    private readonly regions: RegionsService,
  ) {}

  async versionOf(request: FastifyRequest): Promise<string | null> {
    const id = idOf(request);
    if (!id) return null;
    const [row]: { content: string }[] = await this.db.query(
      `SELECT coalesce(v.version, 0)::text AS content
       FROM disclosure d LEFT JOIN region_content_version v ON v.region_code = d.region_code
       WHERE d.id = $1 AND d.status <> 'draft'`,
      [id],
    );
    return row ? this.regions.contentVersion(row.content) : null;
  }
}

/**
 * The version of a disclosure's receipt: the ledger's head position. The receipt names the head,
 * which moves with every publication in the province, and the disclosure's own latest entry,
 * which is at or before it. One statement: the disclosure by primary key, the head by the
 * ledger's primary-key index (its last entry).
 */
@Injectable()
@ReplicaReads()
export class ReceiptVersion implements ContentVersionSource {
  constructor(private readonly db: Db) {}

  async versionOf(request: FastifyRequest): Promise<string | null> {
    const id = idOf(request);
    if (!id) return null;
    const [row]: { head: string | null }[] = await this.db.query(
      `SELECT (SELECT l.seq FROM publication_ledger l ORDER BY l.seq DESC LIMIT 1)::text AS head
       FROM disclosure d WHERE d.id = $1 AND d.status <> 'draft'`,
      [id],
    );
    return row?.head ? `l${row.head}` : null;
  }
}
