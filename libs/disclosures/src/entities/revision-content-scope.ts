import { Column } from 'typeorm';

/**
 * What row-level security decides a row of a revision's content on: the disclosure's village and
 * whether the revision is published. The database derives both from the revision on every write and
 * marks the content published with its revision (migrations/…-row-security-columns.ts); the
 * application never writes or reads them.
 */
export abstract class RevisionContentScope {
  @Column({ type: 'bigint', select: false, insert: false, update: false })
  regionCode?: string;

  @Column({ type: 'boolean', default: false, select: false, insert: false, update: false })
  published?: boolean;
}
