import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

import { DisclosureRevisionEntity } from './disclosure-revision.entity';
import { RevisionContentScope } from './revision-content-scope';

/**
 * A supervisor's redaction of personal data in a published revision: which fields, why, by whom.
 * Append-only; `txid` and `redacted_at` are set by a trigger, and the immutability triggers let the
 * named fields change to the placeholder in that transaction only (migrations/…-revision-redaction.ts).
 * The removed text is kept nowhere.
 */
@Entity('revision_redaction')
@Index('revision_redaction_revision_id_idx', ['revisionId'])
@Check('revision_redaction_fields_check', 'cardinality(fields) BETWEEN 1 AND 200')
export class RevisionRedactionEntity extends RevisionContentScope {
  /** bigint GENERATED ALWAYS AS IDENTITY; reads back as a string. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'uuid' })
  revisionId: string;

  @ManyToOne(() => DisclosureRevisionEntity, { nullable: false })
  @JoinColumn({ name: 'revision_id' })
  revision?: DisclosureRevisionEntity;

  @Column({ type: 'text', array: true })
  fields: string[];

  @Column({ type: 'varchar', length: 500 })
  reason: string;

  @Column({ type: 'uuid' })
  redactedBy: string;

  @ManyToOne('UserEntity', { nullable: false })
  @JoinColumn({ name: 'redacted_by' })
  redactor?: unknown;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  redactedAt: Date;

  @Column({ type: 'bigint', default: () => 'txid_current()' })
  txid: string;
}
