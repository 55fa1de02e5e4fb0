import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import { DisclosureRevisionEntity } from './disclosure-revision.entity';
import { RevisionContentScope } from './revision-content-scope';

/** One recipient of a subsidy in a revision; the ID number is stored encrypted, hashed and masked. */
@Entity('subsidy_entry')
@Index('subsidy_entry_id_number_hash_idx', ['idNumberHash'])
@Check('subsidy_entry_amount_check', 'amount > 0 AND amount <= 9999999999.99')
@Check('subsidy_entry_household_size_check', 'household_size BETWEEN 1 AND 50')
export class SubsidyEntryEntity extends RevisionContentScope {
  @PrimaryColumn({ type: 'uuid' })
  revisionId: string;

  @ManyToOne(() => DisclosureRevisionEntity, { nullable: false })
  @JoinColumn({ name: 'revision_id' })
  revision?: DisclosureRevisionEntity;

  @PrimaryColumn({ type: 'integer' })
  lineNo: number;

  @Column({ type: 'bigint' })
  provinceCode: string;

  @Column({ type: 'varchar', length: 50 })
  recipientName: string;

  @Column({ type: 'varchar', length: 50, nullable: true })
  villageGroup: string | null;

  @Column({ type: 'smallint' })
  householdSize: number;

  @Column({ type: 'varchar', length: 30 })
  subsidyType: string;

  @Column({ type: 'numeric', precision: 14, scale: 2 })
  amount: string;

  @Column({ type: 'bytea' })
  idNumberCipher: Buffer;

  @Column({ type: 'bytea' })
  idNumberHash: Buffer;

  @Column({ type: 'varchar', length: 18 })
  idNumberMasked: string;
}
