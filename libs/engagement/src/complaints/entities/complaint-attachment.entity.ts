import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

import { ComplaintEntity } from './complaint.entity';

/** A file the complainant attached (PDF, JPEG or PNG, at most 10 MiB), stored in the database. */
@Entity('complaint_attachment')
@Index('complaint_attachment_complaint_id_idx', ['complaintId'])
@Check('complaint_attachment_media_type_check', "media_type IN ('application/pdf', 'image/jpeg', 'image/png')")
@Check('complaint_attachment_size_check', 'size BETWEEN 1 AND 10485760')
export class ComplaintAttachmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  complaintId: string;

  @ManyToOne(() => ComplaintEntity, { nullable: false })
  @JoinColumn({ name: 'complaint_id' })
  complaint?: ComplaintEntity;

  @Column({ type: 'varchar', length: 50 })
  mediaType: string;

  @Column({ type: 'integer' })
  size: number;

  @Column({ type: 'bytea' })
  sha256: Buffer;

  @Column({ type: 'bytea' })
  content: Buffer;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
