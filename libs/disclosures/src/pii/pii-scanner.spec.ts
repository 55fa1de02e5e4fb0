import { Workbook } from 'exceljs';

import { metadataPdf, onePagePdf, PDF_FIXTURES } from './pdf-fixtures';
import { closePdfWorkers } from './pdf-reader';
import { type PiiFinding, scanCsv, scanPdf, scanText, scanXlsx } from './pii-scanner';

const ID = '11010519491231002X';
const ID_MASKED = '110105********002X';
const MOBILE = '13912345678';

/** Appends the Luhn check digit to `partial` (the reference algorithm, written out independently). */
function withLuhnDigit(partial: string): string {
  let sum = 0;
  [...partial].reverse().forEach((c, i) => {
    const d = Number(c) * (i % 2 === 0 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  });
  return partial + String((10 - (sum % 10)) % 10);
}

const CARD_19 = withLuhnDigit('622202123456789012'); // 19 digits
const CARD_16 = withLuhnDigit('622848001234567'); // 16 digits
const CARD_16_BAD = CARD_16.slice(0, -1) + String((Number(CARD_16.slice(-1)) + 1) % 10);
const group4 = (digits: string, separator = ' '): string => digits.replace(/(\d{4})(?=\d)/g, `$1${separator}`);

const kinds = (findings: PiiFinding[]) => findings.map((f) => f.kind);

describe('scanText', () => {
  it('finds a valid identity number with its line, masked', () => {
    const findings = scanText(`村务公开\n低保名单：张三 ${ID}，住址一组\n`, 'body');
    expect(findings).toEqual([{ kind: 'id_number', where: 'body', line: 2, excerpt: ID_MASKED }]);
  });

  it('does not find an 18-digit number whose check character is wrong', () => {
    expect(scanText('身份证 110105194912310021', 'body')).toEqual([]);
    expect(scanText('身份证 110105194912310029', 'body')).toEqual([]);
  });

  it('accepts a lower-case x and masks it upper-case', () => {
    expect(scanText(`id: ${ID.toLowerCase()}`, 'body')).toEqual([
      { kind: 'id_number', where: 'body', line: 1, excerpt: ID_MASKED },
    ]);
  });

  it('reports a valid identity number only as an identity number', () => {
    const numeric = '110101199003077571'; // valid, all digits: also the right length for a card
    expect(scanText(numeric, 'body')).toEqual([
      { kind: 'id_number', where: 'body', line: 1, excerpt: '110101********7571' },
    ]);
  });

  it('does not take random 18-digit order numbers for identity numbers', () => {
    expect(scanText('订单号 202610011234567890；流水号 100000000000000001', 'body')).toEqual([]);
  });

  it('counts lines across \\n, \\r\\n and \\r', () => {
    const findings = scanText(`a\r\nb\rc\n${MOBILE}`, 'body');
    expect(findings).toEqual([{ kind: 'mobile', where: 'body', line: 4, excerpt: '139****5678' }]);
  });

  it('finds a Luhn-valid card number contiguous, grouped by spaces and by dashes', () => {
    expect(CARD_19).toHaveLength(19);
    const text = [`卡号 ${CARD_19}`, `卡号 ${group4(CARD_19)} 开户行`, `卡号：${group4(CARD_16, '-')}`].join('\n');
    expect(scanText(text, 'finance line 3, note')).toEqual([
      { kind: 'bank_card', where: 'finance line 3, note', line: 1, excerpt: `6222 **** **** ${CARD_19.slice(-4)}` },
      { kind: 'bank_card', where: 'finance line 3, note', line: 2, excerpt: `6222 **** **** ${CARD_19.slice(-4)}` },
      { kind: 'bank_card', where: 'finance line 3, note', line: 3, excerpt: `6228 **** **** ${CARD_16.slice(-4)}` },
    ]);
  });

  it('does not find a Luhn-invalid 16-digit number, grouped or not', () => {
    expect(scanText(`${CARD_16_BAD} / ${group4(CARD_16_BAD)}`, 'body')).toEqual([]);
  });

  it('does not find card numbers in badly grouped or over-long digit runs', () => {
    const text = [
      `${CARD_16}${CARD_16}`, // 32 digits: never a card
      `${CARD_16.slice(0, 6)} ${CARD_16.slice(6)}`, // 6 + 10: not grouped in fours
      `${group4(CARD_16)} 1234`, // a fifth group after a full card
    ].join('\n');
    expect(scanText(text, 'body').filter((f) => f.excerpt.endsWith(CARD_16.slice(-4)))).toEqual([]);
  });

  it('finds mobile numbers, also grouped 3-4-4 and after +86', () => {
    const text = `电话 ${MOBILE}\n电话 139-1234-5678\n电话 +86 139 1234 5678\n电话 +86${MOBILE}\n(${MOBILE})`;
    const findings = scanText(text, 'body');
    expect(findings.map((f) => [f.kind, f.line, f.excerpt])).toEqual([
      ['mobile', 1, '139****5678'],
      ['mobile', 2, '139****5678'],
      ['mobile', 3, '139****5678'],
      ['mobile', 4, '139****5678'],
      ['mobile', 5, '139****5678'],
    ]);
  });

  it('does not find a mobile inside a longer digit run', () => {
    expect(scanText(`编号 2${MOBILE}，编号 ${MOBILE}0，编号 0${MOBILE}99`, 'body')).toEqual([]);
    expect(scanText('12912345678 10012345678', 'body')).toEqual([]); // 12x and 10x are not mobile prefixes
  });

  it('does not flag amounts, dates, times, voucher numbers or phone-like amounts', () => {
    const text = [
      '收入 1234.56 元，支出 12,345,678.90 元，合计 13912345678.00 元',
      '日期 2026-10-01，2026年10月1日，20261001，时间 20261001123045',
      '凭证 记-0012，记-0013 号，第 2026-10 期',
      '座机 010-12345678，0571-88888888',
      '1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20',
      '2026 1001 1234 5678',
    ].join('\n');
    expect(scanText(text, 'body')).toEqual([]);
  });

  it('treats full-width digits like ASCII ones', () => {
    const fullWidth = [...ID].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
    expect(kinds(scanText(`身份证号：${fullWidth}`, 'body'))).toEqual(['id_number']);
  });

  it('finds several kinds in one line, in order', () => {
    const findings = scanText(`张三 ${ID} 电话 ${MOBILE} 卡号 ${CARD_19}`, 'body');
    expect(kinds(findings)).toEqual(['id_number', 'mobile', 'bank_card']);
  });

  it('never puts the full value in an excerpt', () => {
    const values = [ID, ID.toLowerCase(), MOBILE, CARD_19, CARD_16, group4(CARD_19), '139-1234-5678'];
    const findings = scanText(values.join('\n'), 'body');
    expect(findings).toHaveLength(values.length);
    for (const [i, f] of findings.entries()) {
      const digits = values[i].replace(/[^0-9Xx]/g, '').toUpperCase();
      expect(f.excerpt.replace(/[^0-9X]/g, '')).not.toContain(digits);
      expect(f.excerpt).toContain('****');
    }
  });

  it('stops at 100 findings', () => {
    expect(scanText(`${MOBILE}\n`.repeat(150), 'body')).toHaveLength(100);
  });

  it('reads at most 5 MiB of text', () => {
    expect(scanText(`${'x'.repeat(5 * 1024 * 1024 - 20)} ${MOBILE}`, 'body')).toHaveLength(1);
    expect(scanText(`${'x'.repeat(5 * 1024 * 1024)} ${MOBILE}`, 'body')).toEqual([]);
  });

  describe('ordinary ways of writing the numbers (normalised before matching)', () => {
    const ZW = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff'];
    const excerptOf = (text: string) => scanText(text, 'body').map((f) => [f.kind, f.excerpt]);

    it.each([
      ['grouped 6-8-4 by spaces', '210102 19800101 1232'],
      ['grouped 6-8-4 by dashes', '210102-19800101-1232'],
      ['grouped 6-4-4-4 by spaces', '2101 0219 8001 0112 32'],
      ['grouped by double spaces', '210102  19800101  1232'],
      ['split by zero-width spaces', '210102\u200b19800101\u200b1232'],
      ['in full-width digits and spaces', '２１０１０２\u3000１９８００１０１\u3000１２３２'],
    ])('finds an identity number %s, embedded in Chinese text', (_name, written) => {
      expect(excerptOf(`低保户李某身份证${written}住一组`)).toEqual([['id_number', '210102********1232']]);
    });

    it('finds a grouped identity number ending in X', () => {
      expect(excerptOf('证件号 110105 19491231 002X 备注')).toEqual([['id_number', ID_MASKED]]);
      expect(excerptOf('证件号 110105-19491231-002x。')).toEqual([['id_number', ID_MASKED]]);
    });

    it.each([
      ['with dots', '139.1234.5678'],
      ['with the area in parentheses', '(139)12345678'],
      ['with full-width parentheses', '（139）1234-5678'],
      ['with double spaces', '139  1234  5678'],
      ['grouped 3-8', '139 12345678'],
      ['with zero-width characters', ZW.map((z, i) => (i < 3 ? MOBILE.slice(i * 4, i * 4 + 4) + z : '')).join('')],
      ['with a zero-width character between every digit', [...MOBILE].join('\u200b')],
      ['with +86 and dashes', '+86-139-1234-5678'],
      ['in full-width digits with an ideographic space', '１３９\u3000１２３４\u3000５６７８'],
    ])('finds a mobile number %s, embedded in Chinese text', (_name, written) => {
      expect(excerptOf(`联系电话${written}张村长`)).toEqual([['mobile', '139****5678']]);
    });

    it.each([
      ['grouped in fours by double spaces', group4(CARD_16, '  ')],
      ['grouped 6+13', `${CARD_19.slice(0, 6)} ${CARD_19.slice(6)}`],
      ['grouped 6+13 by a dash', `${CARD_19.slice(0, 6)}-${CARD_19.slice(6)}`],
      ['split by zero-width joiners', group4(CARD_16, '\u200d')],
      [
        'in full-width digits',
        [...group4(CARD_16)]
          .map((c) => (c === ' ' ? '\u3000' : String.fromCharCode(c.charCodeAt(0) + 0xfee0)))
          .join(''),
      ],
    ])('finds a card number %s, embedded in Chinese text', (_name, written) => {
      const findings = scanText(`补贴发放至银行卡${written}请核对`, 'body');
      expect(kinds(findings)).toEqual(['bank_card']);
    });

    it('still needs the check character, the Luhn sum and the mobile prefix after normalising', () => {
      const text = [
        '210102 19800101 1233', // wrong check character
        '210102 19801301 1232', // month 13
        group4(CARD_16_BAD, '  '),
        `${CARD_16_BAD.slice(0, 6)} ${CARD_16_BAD.slice(6)}`,
        '129.1234.5678', // no 12x mobiles
        '(010)12345678', // a landline
        '1391234.5678', // an amount with four decimals
        '139.12345678', // an amount
        '650.00 650.00 650.00 650.00', // amounts in a row
        '2026.10.01-2026.12.31', // a date range
      ].join('\n');
      expect(scanText(text, 'body')).toEqual([]);
    });

    it('normalises invisible characters away without moving line numbers', () => {
      const findings = scanText(`一\u200b\n二\ufeff\n电话\u200b${[...MOBILE].join('\u2060')}`, 'body');
      expect(findings.map((f) => [f.kind, f.line])).toEqual([['mobile', 3]]);
    });
  });

  // Speed belongs in benchmarks (no test depends on wall time): this shows that 4 MiB of input
  // built to make a backtracking pattern explode is read to the end with the right answer; an
  // exponential pattern would never finish (the run's timeout catches that, whatever the machine).
  it.each(['1 ', '1-', '1234 ', '1'.repeat(17) + 'x ', '9', '.1', '1\u200b', '1  (', '１．', '1234  '])(
    'reads 4 MiB of near-miss digits (%j repeated) to the end: only the mobile number after them is found',
    (chunk) => {
      const text = chunk.repeat(Math.floor((4 * 1024 * 1024) / chunk.length));
      expect(scanText(`${text} ${MOBILE}`, 'body').map((f) => f.kind)).toEqual(['mobile']);
    },
  );
});

describe('scanCsv', () => {
  it('reports the row of a finding, with the BOM stripped and quoted fields read', async () => {
    const csv = [
      '姓名,身份证号,备注',
      '"李四, 一组",,"说明 ""无"""',
      '王五,,2026-10-01',
      `张三,${ID},"电话 ${MOBILE}"`,
      '赵六,,1234.56',
    ].join('\r\n');
    const findings = await scanCsv(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]),
      'attachment 名单.csv',
    );
    expect(findings).toEqual([
      { kind: 'id_number', where: 'attachment 名单.csv', line: 4, excerpt: ID_MASKED },
      { kind: 'mobile', where: 'attachment 名单.csv', line: 4, excerpt: '139****5678' },
    ]);
  });

  it('counts a record with a line break inside quotes as one row', async () => {
    const csv = `a,b\n"one\ntwo",x\nc,${MOBILE}\n`;
    expect((await scanCsv(Buffer.from(csv), 'f.csv')).map((f) => f.line)).toEqual([3]);
  });

  it('finds nothing in a clean file', async () => {
    expect(await scanCsv(Buffer.from('日期,金额,凭证\n2026-10-01,1234.56,记-0012\n'), 'f.csv')).toEqual([]);
  });
});

describe('scanXlsx', () => {
  it('finds values in the second sheet, with sheet and row in where', async () => {
    const workbook = new Workbook();
    const income = workbook.addWorksheet('收入');
    income.addRow(['日期', '金额', '凭证']);
    income.addRow([new Date('2026-10-01'), 1234.56, '记-0012']);
    const roster = workbook.addWorksheet('名单');
    roster.addRow(['姓名', '身份证号', '电话']);
    roster.addRow(['李四', '', '']);
    roster.addRow(['张三', ID, Number(MOBILE)]);
    roster.addRow(['王五', { richText: [{ text: '卡号 ' }, { text: CARD_19 }] }, '']);
    const content = Buffer.from((await workbook.xlsx.writeBuffer()) as ArrayBuffer);

    const where = 'attachment 名单.xlsx';
    expect(await scanXlsx(content, where)).toEqual([
      { kind: 'id_number', where: `${where}, sheet 名单, row 3`, line: 3, excerpt: ID_MASKED },
      { kind: 'mobile', where: `${where}, sheet 名单, row 3`, line: 3, excerpt: '139****5678' },
      {
        kind: 'bank_card',
        where: `${where}, sheet 名单, row 4`,
        line: 4,
        excerpt: `6222 **** **** ${CARD_19.slice(-4)}`,
      },
    ]);
  });

  it('rejects a file that is not a workbook', async () => {
    await expect(scanXlsx(Buffer.from('not a zip'), 'f.xlsx')).rejects.toThrow();
  });
});

describe('scanPdf', () => {
  afterAll(closePdfWorkers);

  it('finds an identity number in a FlateDecode content stream', async () => {
    const pdf = PDF_FIXTURES['FlateDecode content stream'].pdf();
    expect(pdf.includes(ID)).toBe(false); // really compressed
    expect(await scanPdf(pdf, 'attachment 花名册.pdf')).toEqual([
      { kind: 'id_number', where: 'attachment 花名册.pdf', line: 1, excerpt: ID_MASKED },
    ]);
  });

  it('keeps table cells and lines apart', async () => {
    const pdf = PDF_FIXTURES['table cells and lines'].pdf();
    expect((await scanPdf(pdf, 'a.pdf')).map((f) => [f.kind, f.line])).toEqual([
      ['mobile', 1],
      ['id_number', 2],
    ]);
  });

  it('finds an identity number shown in a CID font through its ToUnicode map', async () => {
    const pdf = PDF_FIXTURES['CID font with a ToUnicode map, no FontDescriptor'].pdf();
    expect(kinds(await scanPdf(pdf, 'a.pdf'))).toEqual(['id_number']);
  });

  it('finds personal data in the metadata, naming the entry', async () => {
    expect(await scanPdf(metadataPdf(), 'attachment 名单.pdf')).toEqual([
      { kind: 'id_number', where: 'attachment 名单.pdf, metadata Author', line: 1, excerpt: ID_MASKED },
      { kind: 'mobile', where: 'attachment 名单.pdf, metadata Reviewer', line: 1, excerpt: '139****5678' },
      { kind: 'mobile', where: 'attachment 名单.pdf, metadata XMP', line: 1, excerpt: '139****5678' },
    ]);
  });

  it('finds nothing where there is no text', async () => {
    expect(await scanPdf(onePagePdf('0 0 m 100 100 l S', true), 'a.pdf')).toEqual([]);
  });

  it.each([
    ['not a PDF', Buffer.from('not a pdf at all')],
    ['a stream cut short', Buffer.from('%PDF-1.4\n1 0 obj << /Length 99999 >> stream\nxx')],
  ])('refuses a file it cannot read (%s): what cannot be checked cannot be published', async (_name, file) => {
    await expect(scanPdf(file, 'attachment a.pdf')).rejects.toMatchObject({
      code: 'ATTACHMENT_UNREADABLE',
      message: expect.stringContaining('attachment a.pdf cannot be checked'),
    });
  });
});
