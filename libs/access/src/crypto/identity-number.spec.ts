import { isValidIdNumber, maskIdNumber } from './identity-number';

describe(isValidIdNumber.name, () => {
  it('accepts a known valid number and refuses it with another check character', () => {
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(isValidIdNumber('110105194912310021')).toBe(false);
  });

  it.each(['', '11010519491231002', '11010519491231002XX', '01010519491231002X', '1101051949123100aX'])(
    'refuses a malformed number %p',
    (id) => expect(isValidIdNumber(id)).toBe(false),
  );
});

describe(maskIdNumber.name, () => {
  it('keeps the first six and last four characters only', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('110105********002X');
  });
});
