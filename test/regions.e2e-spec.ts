import { createTestApp, TestApp } from './support/test-app';

const LIAONING = '210000000000';
const SHENYANG = '210100000000';
const HEPING = '210102000000';

describe('Regions API', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp();
  });
  afterAll(() => sut.close());

  it('lists the province at the top level', async () => {
    const res = await sut.http.get('/api/v1/regions').expect(200);
    expect(res.body).toEqual({
      items: [{ code: LIAONING, name: '辽宁省', level: 1, levelName: 'province', parentCode: null }],
      nextCursor: null,
    });
  });

  it('shows Liaoning with its descendants counted per level', async () => {
    const res = await sut.http.get(`/api/v1/regions/${LIAONING}`).expect(200);
    expect(res.body).toMatchObject({ code: LIAONING, name: '辽宁省', level: 1, ancestors: [] });
    expect(res.body.descendants).toEqual({ city: 14, county: 100, township: 1406, village: 16727 });
  });

  it('shows a village with its breadcrumb from the province down', async () => {
    const res = await sut.http.get('/api/v1/regions/210102001002').expect(200);
    expect(res.body.level).toBe(5);
    expect(res.body.descendants).toEqual({});
    expect(res.body.ancestors.map((a: { code: string; level: number }) => [a.code, a.level])).toEqual([
      [LIAONING, 1],
      [SHENYANG, 2],
      [HEPING, 3],
      ['210102001000', 4],
    ]);
    expect(res.body.ancestors[2].name).toBe('和平区');
  });

  it('counts only the levels below a county', async () => {
    const res = await sut.http.get(`/api/v1/regions/${HEPING}`).expect(200);
    expect(Object.keys(res.body.descendants)).toEqual(['township', 'village']);
    expect(res.body.descendants.township).toBeGreaterThan(0);
  });

  it('pages through the 14 cities with a cursor, without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { code: string; parentCode: string }[]; nextCursor: string | null } } = await sut.http
        .get(`/api/v1/regions/${LIAONING}/children`)
        .query(cursor ? { limit: 5, cursor } : { limit: 5 })
        .expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(5);
      res.body.items.forEach((i) => expect(i.parentCode).toBe(LIAONING));
      seen.push(...res.body.items.map((i) => i.code));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(14);
    expect(new Set(seen).size).toBe(14);
    expect([...seen].sort()).toEqual(seen);
  });

  it('answers a malformed code with a 400 problem', async () => {
    const res = await sut.http.get('/api/v1/regions/21010').expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 400,
      code: 'INVALID_REGION_CODE',
      type: expect.stringMatching(/\/problems\/invalid-region-code$/),
    });
  });

  it.each([
    [`/api/v1/regions/219999000000`],
    [`/api/v1/regions/219999000000/children`],
    [`/api/v1/regions/search?q=和平&within=219999000000`],
  ])('answers an unknown region with a 404 problem: %s', async (url) => {
    const res = await sut.http.get(encodeURI(url)).expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, code: 'REGION_NOT_FOUND' });
  });

  describe('search', () => {
    it('finds 和平区 first for 和平, and only names containing it', async () => {
      const res = await sut.http.get('/api/v1/regions/search').query({ q: '和平', limit: 100 }).expect(200);
      expect(res.body.items[0]).toMatchObject({ code: HEPING, name: '和平区' });
      expect(res.body.items.length).toBeGreaterThan(10);
      for (const item of res.body.items) expect(item.name).toContain('和平');
    });

    it('finds villages and communities whose names contain the query', async () => {
      const res = await sut.http.get('/api/v1/regions/search').query({ q: '和平', level: 5, limit: 100 }).expect(200);
      expect(res.body.items.length).toBeGreaterThan(0);
      for (const item of res.body.items)
        expect(item).toMatchObject({ level: 5, name: expect.stringContaining('和平') });
    });

    it('stays inside the `within` subtree', async () => {
      const res = await sut.http
        .get('/api/v1/regions/search')
        .query({ q: '村', within: HEPING, limit: 100 })
        .expect(200);
      const all = await sut.http
        .get('/api/v1/regions/search')
        .query({ q: '社区', within: HEPING, limit: 100 })
        .expect(200);
      for (const item of [...res.body.items, ...all.body.items]) expect(item.code.startsWith('210102')).toBe(true);
      expect(all.body.items.length).toBeGreaterThan(0);
    });

    it('matches a single character', async () => {
      const res = await sut.http.get('/api/v1/regions/search').query({ q: '沈', limit: 100 }).expect(200);
      expect(res.body.items[0].name.startsWith('沈')).toBe(true);
      for (const item of res.body.items) expect(item.name).toContain('沈');
    });

    it('pages through every match exactly once', async () => {
      const first = await sut.http.get('/api/v1/regions/search').query({ q: '和平', limit: 100 }).expect(200);
      const total: string[] = first.body.items.map((i: { code: string }) => i.code);
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: { code: string }[]; nextCursor: string | null } } = await sut.http
          .get('/api/v1/regions/search')
          .query(cursor ? { q: '和平', limit: 7, cursor } : { q: '和平', limit: 7 })
          .expect(200);
        paged.push(...res.body.items.map((i) => i.code));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(first.body.nextCursor).toBeNull();
      expect(paged).toEqual(total);
    });

    it('finds nothing for a name no region has', async () => {
      const res = await sut.http.get('/api/v1/regions/search').query({ q: '不存在的地方' }).expect(200);
      expect(res.body).toEqual({ items: [], nextCursor: null });
    });

    it('treats LIKE wildcards as plain characters', async () => {
      const res = await sut.http.get('/api/v1/regions/search').query({ q: '%' }).expect(200);
      expect(res.body.items).toEqual([]);
    });
  });

  it.each([
    ['/api/v1/regions/search', 'q'],
    ['/api/v1/regions/search?q=', 'q'],
    [`/api/v1/regions/search?q=${'和'.repeat(51)}`, 'q'],
    ['/api/v1/regions/search?q=和平&within=12', 'within'],
    ['/api/v1/regions/search?q=和平&level=6', 'level'],
    ['/api/v1/regions/search?q=a&q=b', 'q'],
    ['/api/v1/regions?limit=0', 'limit'],
    ['/api/v1/regions?limit=101', 'limit'],
    ['/api/v1/regions?limit=ten', 'limit'],
    ['/api/v1/regions?limit=1.5', 'limit'],
    ['/api/v1/regions?sort=name', 'sort'],
  ])('rejects %s, naming the field %s', async (url, field) => {
    const res = await sut.http.get(encodeURI(url)).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  const forged = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');
  it.each([
    ['/api/v1/regions', 'garbage'],
    [`/api/v1/regions/${LIAONING}/children`, forged(['x'])],
    [`/api/v1/regions/${LIAONING}/children`, forged([210100000000])],
    [`/api/v1/regions/${LIAONING}/children`, forged([1, 2, '3'])],
    ['/api/v1/regions/search?q=和平', forged([1e15, 3, HEPING])],
    ['/api/v1/regions/search?q=和平', forged([1, 9, HEPING])],
    ['/api/v1/regions/search?q=和平', forged([1, 3, "1' OR 1=1"])],
  ])('rejects a cursor it did not make (%s, %s)', async (url, cursor) => {
    const res = await sut.http.get(encodeURI(url)).query({ cursor }).expect(400);
    expect(res.body.code).toBe('INVALID_CURSOR');
  });
});
