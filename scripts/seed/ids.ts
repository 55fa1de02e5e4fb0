/**
 * Primary keys of seeded rows: UUIDs (version 4 layout, RFC 4122 variant) whose leading bytes are a
 * table tag and a counter, so that each table's keys arrive in ascending order and the primary-key
 * B-tree grows at its right edge during COPY instead of splitting pages at random.
 */
export enum IdTag {
  User = 0x5ea00001,
  RoleAssignment = 0x5ea00002,
  Disclosure = 0x5ea00003,
  Revision = 0x5ea00004,
  Rating = 0x5ea00005,
  Comment = 0x5ea00006,
  Complaint = 0x5ea00007,
  Batch = 0x5ea00008,
  Finding = 0x5ea00009,
  Issue = 0x5ea0000a,
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

const TAGS: Record<number, string> = Object.fromEntries(
  Object.values(IdTag)
    .filter((tag): tag is IdTag => typeof tag === 'number')
    .map((tag) => [tag, hex(tag, 8)]),
);

/** The UUID of row `index` (0 … 2^52) of the table `tag`. */
export function seedId(tag: IdTag, index: number): string {
  const high = Math.floor(index / 0x1000000000); // above the low 36 bits
  const low = index % 0x1000000000;
  const h = hex(high, 4);
  const l = hex(low, 9);
  return `${TAGS[tag]}-${h}-4${l.slice(0, 3)}-8${l.slice(3, 6)}-000000${l.slice(6)}000`;
}

/** The revision of a disclosure: revisions are numbered 1, 2, 3 under the disclosure's index. */
export const revisionId = (disclosureIndex: number, number: number): string =>
  seedId(IdTag.Revision, disclosureIndex * 4 + number);
