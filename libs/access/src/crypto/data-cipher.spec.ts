import { validateConfig } from '@sunshine/core';

import { DataCipher } from './data-cipher';

describe(DataCipher.name, () => {
  const sut = new DataCipher(validateConfig({}));

  it('reads back what it sealed, and seals the same value differently each time', () => {
    const a = sut.encrypt('11010519491231002X');
    const b = sut.encrypt('11010519491231002X');
    expect(a.equals(b)).toBe(false);
    expect(a.toString('latin1')).not.toContain('11010519491231002X');
    expect(sut.decrypt(a)).toBe('11010519491231002X');
  });

  it('refuses a tampered value', () => {
    const sealed = sut.encrypt('secret');
    sealed[sealed.length - 1] ^= 1;
    expect(() => sut.decrypt(sealed)).toThrow();
  });

  it('matches equal values by keyed hash', () => {
    expect(sut.hmac('x').equals(sut.hmac('x'))).toBe(true);
    expect(sut.hmac('x').equals(sut.hmac('y'))).toBe(false);
  });
});
