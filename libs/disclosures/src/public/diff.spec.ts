import { diffFields, diffLists } from './diff';

describe(diffLists.name, () => {
  it('reports added, removed and changed items with their changed fields', () => {
    const from = [
      { lineNo: 1, amount: '10.00', note: 'a' },
      { lineNo: 2, amount: '20.00', note: 'b' },
    ];
    const to = [
      { lineNo: 1, amount: '10.50', note: 'a' },
      { lineNo: 3, amount: '30.00', note: 'c' },
    ];
    expect(diffLists(from, to, (l) => l.lineNo)).toEqual({
      added: [{ lineNo: 3, amount: '30.00', note: 'c' }],
      removed: [{ lineNo: 2, amount: '20.00', note: 'b' }],
      changed: [{ key: 1, changes: [{ field: 'amount', from: '10.00', to: '10.50' }] }],
    });
  });
});

describe(diffFields.name, () => {
  it('lists only the fields that differ', () => {
    expect(diffFields({ title: 'a', body: 'x' }, { title: 'b', body: 'x' }, ['title', 'body'])).toEqual([
      { field: 'title', from: 'a', to: 'b' },
    ]);
  });
});
