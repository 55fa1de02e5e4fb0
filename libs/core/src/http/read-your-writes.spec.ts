import { READ_PRIMARY_COOKIE, readPrimaryCookie, readsPrimary } from './read-your-writes';

describe(readsPrimary.name, () => {
  const now = 1_800_000_000_000;
  const sticky = 5000;

  it('holds from the write for the window, then no longer', () => {
    const cookie = readPrimaryCookie(now, sticky, false).split(';')[0];
    expect(readsPrimary(cookie, now, sticky)).toBe(true);
    expect(readsPrimary(cookie, now + sticky - 1, sticky)).toBe(true);
    expect(readsPrimary(cookie, now + sticky, sticky)).toBe(false);
  });

  it('finds the mark among other cookies', () => {
    expect(readsPrimary(`a=1; ${READ_PRIMARY_COOKIE}=${now + 10}; b=2`, now, sticky)).toBe(true);
    expect(readsPrimary(`x${READ_PRIMARY_COOKIE}=${now + 10}`, now, sticky)).toBe(false);
  });

  it('ignores no cookie, a malformed one and a mark further ahead than one window (not issued here)', () => {
    expect(readsPrimary(undefined, now, sticky)).toBe(false);
    expect(readsPrimary(`${READ_PRIMARY_COOKIE}=soon`, now, sticky)).toBe(false);
    expect(readsPrimary(`${READ_PRIMARY_COOKIE}=${now + sticky + 1}`, now, sticky)).toBe(false);
  });
});

describe(readPrimaryCookie.name, () => {
  it('lasts the window rounded up to seconds, for the whole site, out of reach of scripts', () => {
    expect(readPrimaryCookie(1000, 1500, false)).toBe(
      `${READ_PRIMARY_COOKIE}=2500; Max-Age=2; Path=/; HttpOnly; SameSite=Lax`,
    );
    expect(readPrimaryCookie(1000, 1500, true)).toMatch(/; Secure$/);
  });
});
