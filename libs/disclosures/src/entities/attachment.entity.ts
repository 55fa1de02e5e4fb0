import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

import { DisclosureRevisionEntity } from './disclosure-revision.entity';
import { RevisionContentScope } from './revision-content-scope';

/** A file attached to a revision (PDF, JPEG or PNG, at most 10 MiB), stored in the database. */
@Entity('attachment')
@Index('attachment_revision_id_idx', ['revisionId'])
@Check('attachment_media_type_check', "media_type IN ('application/pdf', 'image/jpeg', 'image/png')")
@Check('attachment_size_check', 'size BETWEEN 1 AND 10485760')
export class AttachmentEntity extends RevisionContentScope {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  revisionId: string;

  @ManyToOne(() => DisclosureRevisionEntity, { nullable: false })
  @JoinColumn({ name: 'revision_id' })
  revision?: DisclosureRevisionEntity;

  @Column({ type: 'varchar', length: 200 })
  filename: string;

  @Column({ type: 'varchar', length: 50 })
  mediaType: 'application/pdf' | 'image/jpeg' | 'image/png';

  @Column({ type: 'integer' })
  size: number;

  @Column({ type: 'bytea' })
  sha256: Buffer;

  @Column({ type: 'bytea' })
  content: Buffer;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  /** The province of its disclosure_revision, copied by the database on insert (see migrations/…-province-code.ts). */
  @Column({ type: 'bigint', insert: false, update: false })
  provinceCode: string;
}
