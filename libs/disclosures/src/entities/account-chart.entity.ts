import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/** An income or expense account of a chart of accounts (e.g. 财会〔2004〕12号); seeded by migrations/…-disclosures.ts. */
@Entity('account_chart')
@Check('account_chart_direction_check', "direction IN ('income', 'expense')")
export class AccountChartEntity {
  @PrimaryColumn({ type: 'varchar', length: 10 })
  system: string;

  @PrimaryColumn({ type: 'varchar', length: 40 })
  code: string;

  @Column({ type: 'varchar', length: 40 })
  name: string;

  @Column({ type: 'varchar', length: 7 })
  direction: 'income' | 'expense';

  @Column({ type: 'date' })
  effectiveFrom: string;

  @Column({ type: 'date', nullable: true })
  effectiveTo: string | null;
}
