import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

import { ComplaintEntity } from './complaint.entity';

/** One entry of a complaint's timeline: a change of state or of handler, stamped by the Clock. */
@Entity('complaint_event')
@Index('complaint_event_complaint_id_idx', ['complaintId'])
export class ComplaintEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'uuid' })
  complaintId: string;

  @ManyToOne(() => ComplaintEntity, { nullable: false })
  @JoinColumn({ name: 'complaint_id' })
  complaint?: ComplaintEntity;

  @Column({ type: 'varchar', length: 20 })
  kind: string;

  /** The state after the event. */
  @Column({ type: 'varchar', length: 20 })
  status: string;

  @Column({ type: 'bigint' })
  handlerRegionCode: string;

  @Column({ type: 'varchar', length: 4000, nullable: true })
  note: string | null;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'timestamptz' })
  at: Date;

  /** The province of its complaint, copied by the database on insert (see migrations/…-province-code.ts). */
  @Column({ type: 'bigint', insert: false, update: false })
  provinceCode: string;
}
