import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { AuditRepository, ChainBreak } from './audit.repository';
import { ArchiveCheckpoint, AuditArchiveRepository } from './audit-archive.repository';
import { ArchiveHead, entryHash, fileSha256, readArchiveFile } from './audit-archive-file';

/**
 * Walks the whole audit chain in the table in batches; returns how many rows it read and every broken
 * one. With entries archived, the first row must follow the last archived entry (the recorded archive
 * head); `verifyAuditArchives` checks the files up to that head.
 */
export async function verifyAuditChain(
  audit: AuditRepository,
  batch = 10000,
): Promise<{ rows: number; breaks: ChainBreak[] }> {
  let afterId = '0';
  let previousHash: Buffer | null = (await audit.archiveHead())?.lastHash ?? null;
  let rows = 0;
  const breaks: ChainBreak[] = [];
  for (;;) {
    const result = await audit.verifyBatch(afterId, previousHash, batch);
    breaks.push(...result.breaks);
    rows += result.rows;
    if (result.lastId === null) return { rows, breaks };
    afterId = result.lastId;
    previousHash = result.lastHash;
  }
}

/** What is wrong with an archived range: its file, and how. */
export interface ArchiveProblem {
  file: string;
  problem: string;
}

/**
 * Checks every archived range against its file in `dir`: the file is there, its SHA-256 is the one
 * recorded when it was archived, every entry's hash covers its content and links to the entry
 * before it, the range's first entry follows the previous range's last, and the entries, first
 * prev_hash and last hash are those recorded. (verifyAuditChain checks that the table continues
 * from the last range.)
 */
export async function verifyAuditArchives(
  archive: AuditArchiveRepository,
  dir: string,
): Promise<{ files: number; entries: number; problems: ArchiveProblem[] }> {
  const problems: ArchiveProblem[] = [];
  let entries = 0;
  let previous: Buffer = Buffer.alloc(0);
  const checkpoints = await archive.checkpoints();
  for (const cp of checkpoints) {
    const report = (problem: string) => problems.push({ file: cp.file_name, problem });
    if (!cp.first_prev_hash.equals(previous)) report('does not follow the archive before it (a range is missing)');
    previous = cp.last_hash;
    const path = join(dir, cp.file_name);
    if (!existsSync(path)) {
      report(`missing (entries ${cp.first_id}–${cp.last_id} are in no file)`);
      continue;
    }
    if (!(await fileSha256(path)).equals(cp.file_sha256)) {
      report('altered: its SHA-256 is not the one recorded when it was archived');
    }
    try {
      const found = await walkArchiveFile(path, cp);
      entries += found.entries;
      problems.push(...found.problems.map((problem) => ({ file: cp.file_name, problem })));
    } catch (error) {
      report(`unreadable: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { files: checkpoints.length, entries, problems };
}

async function walkArchiveFile(path: string, cp: ArchiveCheckpoint): Promise<{ entries: number; problems: string[] }> {
  const problems: string[] = [];
  let expected = cp.first_prev_hash;
  let entries = 0;
  let lastId: string | null = null;
  let head: ArchiveHead | null = null;
  for await (const line of readArchiveFile(path)) {
    if ('head' in line) {
      head = line.head;
      continue;
    }
    if (head) problems.push('has entries after its head');
    entries++;
    const prev = Buffer.from(line.prevHash, 'hex');
    if (!entryHash(prev, line.entry).equals(Buffer.from(line.hash, 'hex'))) {
      problems.push(`entry ${line.id}: content does not match its hash (altered)`);
    } else if (!prev.equals(expected)) {
      problems.push(`entry ${line.id}: does not follow the entry before it (an entry was removed or altered)`);
    } else if (!line.entry.startsWith(`[${line.id},`)) {
      problems.push(`entry ${line.id}: its id is not the one its hash covers`);
    }
    expected = Buffer.from(line.hash, 'hex');
    lastId = line.id;
  }
  if (!head || head.lastHash !== cp.last_hash.toString('hex') || head.lastId !== cp.last_id) {
    problems.push('its head is missing or is not the one recorded');
  }
  if (lastId !== cp.last_id || !expected.equals(cp.last_hash) || String(entries) !== String(cp.entries)) {
    problems.push(
      `holds ${entries} entries ending at ${lastId ?? 'none'}; recorded: ${cp.entries} ending at ${cp.last_id}`,
    );
  }
  return { entries, problems };
}
