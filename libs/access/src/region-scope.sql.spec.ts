import { plannedForValues } from '@sunshine/core';

import { subtreeOf } from './principal';
import { subtreePageSql } from './region-scope.sql';

describe(subtreePageSql.name, () => {
  const sql = 'SELECT 1 FROM complaint c WHERE x ORDER BY c.filed_at DESC LIMIT $3';
  const province = subtreeOf('210000000000', 1);
  const city = subtreeOf('210100000000', 2);
  const county = subtreeOf('210102000000', 3);
  const township = subtreeOf('210102001000', 4);
  const village = subtreeOf('210102001002', 5);

  it('runs a page of townships or villages prepared', () => {
    for (const narrow of [township, village]) expect(subtreePageSql(sql, [[narrow]])).toBe(sql);
    expect(subtreePageSql(sql, [[township, village, subtreeOf('211401002000', 4)]])).toBe(sql);
  });

  it('plans a page that may span a county, a city or the province for its values', () => {
    for (const wide of [province, city, county]) expect(subtreePageSql(sql, [[wide]])).toBe(plannedForValues(sql));
    expect(subtreePageSql(sql, [[township, county]])).toBe(plannedForValues(sql));
    expect(subtreePageSql(sql, [[{ from: township.from, to: String(BigInt(township.to) + 1n) }]])).toBe(
      plannedForValues(sql),
    );
  });

  it('runs prepared only when every ANDed scope is narrow; an absent scope decides nothing', () => {
    expect(subtreePageSql(sql, [[village], [township]])).toBe(sql);
    expect(subtreePageSql(sql, [[township], undefined])).toBe(sql);
    expect(subtreePageSql(sql, [[village], [province]])).toBe(plannedForValues(sql));
    expect(subtreePageSql(sql, [[province], [township]])).toBe(plannedForValues(sql));
    expect(subtreePageSql(sql, [[province], undefined])).toBe(plannedForValues(sql));
    expect(subtreePageSql(sql, [[village], []])).toBe(plannedForValues(sql));
    expect(subtreePageSql(sql, [undefined])).toBe(plannedForValues(sql));
    expect(subtreePageSql(sql, [])).toBe(plannedForValues(sql));
  });
});
