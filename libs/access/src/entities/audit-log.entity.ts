import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One audited event; rows are numbered, timed and hash-chained by a trigger (see the migration). */
@Entity('audit_log')
@Check('audit_log_province_code_check', 'province_code = coalesce(region_code / 10000000000 * 10000000000, 0)')
@Index('audit_log_region_code_id_idx', ['regionCode', 'id'])
@Index('audit_log_at_idx', ['at'])
@Check('audit_log_result_check', "result IN ('success', 'denied', 'failure')")
export class AuditLogEntity {
  @PrimaryColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 50 })
  action: string;

  @Column({ type: 'varchar', length: 10 })
  result: string;

  @Column({ type: 'varchar', length: 30, nullable: true })
  targetType: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  targetId: string | null;

  @Column({ type: 'bigint', nullable: true })
  regionCode: string | null;

  @Column({ type: 'varchar', length: 45, nullable: true })
  ip: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  requestId: string | null;

  @Column({ type: 'boolean', default: false })
  assisted: boolean;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  detail: Record<string, unknown>;

  @Column({ type: 'bytea' })
  prevHash: Buffer;

  @Column({ type: 'bytea' })
  hash: Buffer;

  /** The row's province (region_code / 10^10 * 10^10), filled by the database (see migrations/…-province-code.ts). */
  @Column({ type: 'bigint', insert: false, update: false })
  provinceCode: string;
}
