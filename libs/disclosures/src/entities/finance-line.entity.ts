import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import { AccountChartEntity } from './account-chart.entity';
import { DisclosureRevisionEntity } from './disclosure-revision.entity';
import { RevisionContentScope } from './revision-content-scope';

/** One income or expense line of a finance disclosure's revision. Money is numeric, a decimal string in code. */
@Entity('finance_line')
@Check('finance_line_direction_check', "direction IN ('income', 'expense')")
@Check('finance_line_amount_check', 'amount > 0 AND amount <= 9999999999.99')
@Check('finance_line_payment_method_check', "payment_method IN ('bank', 'cash')")
export class FinanceLineEntity extends RevisionContentScope {
  @PrimaryColumn({ type: 'uuid' })
  revisionId: string;

  @ManyToOne(() => DisclosureRevisionEntity, { nullable: false })
  @JoinColumn({ name: 'revision_id' })
  revision?: DisclosureRevisionEntity;

  @PrimaryColumn({ type: 'integer' })
  lineNo: number;

  @Column({ type: 'bigint' })
  provinceCode: string;

  @Column({ type: 'varchar', length: 7 })
  direction: 'income' | 'expense';

  @Column({ type: 'varchar', length: 10 })
  chartSystem: string;

  @Column({ type: 'varchar', length: 40 })
  accountCode: string;

  @ManyToOne(() => AccountChartEntity, { nullable: false })
  @JoinColumn([
    { name: 'chart_system', referencedColumnName: 'system' },
    { name: 'account_code', referencedColumnName: 'code' },
  ])
  account?: AccountChartEntity;

  @Column({ type: 'numeric', precision: 14, scale: 2 })
  amount: string;

  @Column({ type: 'date' })
  occurredOn: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  counterparty: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  voucherNo: string | null;

  @Column({ type: 'varchar', length: 4 })
  paymentMethod: 'bank' | 'cash';

  @Column({ type: 'varchar', length: 500, nullable: true })
  note: string | null;
}
