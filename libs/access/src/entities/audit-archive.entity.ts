import { Check, Column, Entity, PrimaryColumn, Unique } from 'typeorm';

/** One archived range of the audit log: its chain head and the file holding it (see the migration). */
@Entity('audit_archive')
@Unique('audit_archive_file_name_key', ['fileName'])
@Check('audit_archive_range_check', 'first_id <= last_id AND entries BETWEEN 1 AND last_id - first_id + 1')
@Check('audit_archive_file_name_check', "file_name ~ '^[A-Za-z0-9._-]+$'")
@Check('audit_archive_file_sha256_check', 'octet_length(file_sha256) = 32')
export class AuditArchiveEntity {
  @Column({ type: 'bigint' })
  firstId: string;

  @PrimaryColumn({ type: 'bigint' })
  lastId: string;

  @Column({ type: 'bigint' })
  entries: string;

  @Column({ type: 'bytea' })
  firstPrevHash: Buffer;

  @Column({ type: 'bytea' })
  lastHash: Buffer;

  @Column({ type: 'timestamptz' })
  lastAt: Date;

  @Column({ type: 'varchar', length: 200 })
  fileName: string;

  @Column({ type: 'bytea' })
  fileSha256: Buffer;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  archivedAt: Date;
}
