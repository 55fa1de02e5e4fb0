import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

/** A batch of supervision issues issued by a supervisor of `regionCode`. Schema: migrations/…-supervision.ts. */
@Entity('supervision_batch')
// (region_code, created_at DESC, id DESC): TypeORM cannot describe DESC.
@Index('supervision_batch_region_code_created_at_idx', { synchronize: false })
@Check('supervision_batch_deadline_check', 'deadline >= issued_on')
export class SupervisionBatchEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'bigint' })
  regionCode: string;

  @ManyToOne('RegionEntity', { nullable: false })
  @JoinColumn({ name: 'region_code' })
  region?: unknown;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'date' })
  issuedOn: string;

  @Column({ type: 'date' })
  deadline: string;

  @Column({ type: 'uuid' })
  createdBy: string;

  @ManyToOne('UserEntity', { nullable: false })
  @JoinColumn({ name: 'created_by' })
  creator?: unknown;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
