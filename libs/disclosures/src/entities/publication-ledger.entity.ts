import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import { DisclosureEntity } from './disclosure.entity';

/**
 * The append-only, hash-chained record of publications, corrections and withdrawals. `seq`, `at`,
 * `prev_hash` and `entry_hash` are set by a BEFORE INSERT trigger (seq from the sequence
 * publication_ledger_seq_seq, so the column has no default); see migrations/…-disclosures.ts.
 */
@Entity('publication_ledger')
@Index('publication_ledger_disclosure_id_seq_idx', ['disclosureId', 'seq'])
@Index('publication_ledger_redactions_idx', ['disclosureId', 'revisionNumber', 'seq'], { where: "kind = 'redact'" })
@Check('publication_ledger_kind_check', "kind IN ('publish', 'correct', 'withdraw', 'redact')")
export class PublicationLedgerEntity {
  @PrimaryColumn({ type: 'bigint' })
  seq: string;

  @Column({ type: 'uuid' })
  disclosureId: string;

  @ManyToOne(() => DisclosureEntity, { nullable: false })
  @JoinColumn({ name: 'disclosure_id' })
  disclosure?: DisclosureEntity;

  @Column({ type: 'integer' })
  revisionNumber: number;

  @Column({ type: 'varchar', length: 10 })
  kind: 'publish' | 'correct' | 'withdraw' | 'redact';

  @Column({ type: 'bytea' })
  contentHash: Buffer;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'bytea' })
  prevHash: Buffer;

  @Column({ type: 'bytea' })
  entryHash: Buffer;

  /** The province of its disclosure, copied by the database on insert (see migrations/…-province-code.ts). */
  @Column({ type: 'bigint', insert: false, update: false })
  provinceCode: string;
}
