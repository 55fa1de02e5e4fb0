import { BundleColumns, bundleOf } from './content.repository';

type ReadLine = BundleColumns['lines'][number];

/** A line as contentBundleColumns reads it, its account's figures given. */
function read(
  lineNo: number,
  direction: 'income' | 'expense',
  accountCode: string,
  total: string,
  count: number,
): ReadLine {
  return {
    lineNo,
    direction,
    accountCode,
    amount: '1.00',
    occurredOn: '2026-11-02',
    counterparty: null,
    voucherNo: `记-${lineNo}`,
    paymentMethod: 'bank',
    note: null,
    accountTotal: total,
    accountLines: count,
  };
}

const columns = (lines: ReadLine[]): BundleColumns => ({ lines, subsidies: [], attachments: [], redactions: [] });

describe(bundleOf.name, () => {
  it('gives each line back with the fields it had before its account’s figures, in their order (the content hash reads them)', () => {
    const { lines } = bundleOf(columns([read(1, 'expense', '管理费用/办公费', '1.00', 1)]));
    expect(lines).toEqual([
      {
        lineNo: 1,
        direction: 'expense',
        accountCode: '管理费用/办公费',
        amount: '1.00',
        occurredOn: '2026-11-02',
        counterparty: null,
        voucherNo: '记-1',
        paymentMethod: 'bank',
        note: null,
      },
    ]);
    expect(Object.keys(lines[0] as object)).toEqual([
      'lineNo',
      'direction',
      'accountCode',
      'amount',
      'occurredOn',
      'counterparty',
      'voucherNo',
      'paymentMethod',
      'note',
    ]);
  });

  it('totals each account once, with the total and count the database gave its lines', () => {
    const { totals } = bundleOf(
      columns([
        read(1, 'income', '补助收入', '0.03', 2),
        read(2, 'expense', '管理费用/办公费', '0.07', 2),
        read(3, 'income', '补助收入', '0.03', 2),
        read(4, 'expense', '管理费用/办公费', '0.07', 2),
      ]),
    );
    expect(totals).toEqual([
      { direction: 'income', accountCode: '补助收入', total: '0.03', lines: 2 },
      { direction: 'expense', accountCode: '管理费用/办公费', total: '0.07', lines: 2 },
    ]);
  });

  it('keeps an account of the same name apart in each direction', () => {
    const { totals } = bundleOf(columns([read(1, 'expense', '其他', '2.00', 1), read(2, 'income', '其他', '3.00', 1)]));
    expect(totals.map((t) => [t.direction, t.total])).toEqual([
      ['income', '3.00'],
      ['expense', '2.00'],
    ]);
  });

  it('orders income before expense, then accounts by code point, whatever the lines’ order', () => {
    // U+FF01 sorts before U+1F600 by code point, after it by UTF-16 code unit (a surrogate pair).
    const codes = ['经营支出', 'Z', '管理费用/办公费', '管理费用', '\u{1F600}', '\uFF01', 'a'];
    const { totals } = bundleOf(columns(codes.map((code, i) => read(i + 1, 'expense', code, '1.00', 1)).reverse()));
    expect(totals.map((t) => t.accountCode)).toEqual([
      'Z',
      'a',
      '管理费用',
      '管理费用/办公费',
      '经营支出',
      '\uFF01',
      '\u{1F600}',
    ]);
    const mixed = bundleOf(columns([read(1, 'expense', 'a', '1.00', 1), read(2, 'income', 'b', '1.00', 1)]));
    expect(mixed.totals.map((t) => t.direction)).toEqual(['income', 'expense']);
  });

  it('has no totals without lines', () => {
    expect(bundleOf(columns([]))).toEqual({ lines: [], subsidies: [], attachments: [], redactions: [], totals: [] });
  });
});
