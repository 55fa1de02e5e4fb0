import { AuditRepository, ChainBreak } from './audit.repository';

/** Walks the whole audit chain in batches; returns how many rows it read and every broken one. */
export async function verifyAuditChain(
  audit: AuditRepository,
  batch = 10000,
): Promise<{ rows: number; breaks: ChainBreak[] }> {
  let afterId = '0';
  let previousHash: Buffer | null = null;
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
