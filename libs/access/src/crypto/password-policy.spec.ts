import { passwordProblems } from './password-policy';

describe(passwordProblems.name, () => {
  it('lets residents use any uncommon password of 8 or more characters', () => {
    expect(passwordProblems('correct horse', 'resident')).toEqual([]);
    expect(passwordProblems('长城长城长城长城', 'resident')).toEqual([]);
  });

  it.each([
    ['short', 'resident', 'must be at least 8 characters'],
    ['password', 'resident', 'is too common'],
    ['12345678', 'resident', 'is too common'],
    ['woaini1314', 'resident', 'is too common'],
    ['alllowercase', 'official', 'must mix three of'],
    ['Password1', 'official', 'is too common'],
  ])('refuses %p for a %s: %s', (password, kind, problem) => {
    expect(passwordProblems(password, kind as 'resident' | 'official').join('; ')).toContain(problem);
  });

  it('accepts an official password mixing three classes', () => {
    expect(passwordProblems('Harbour-42-lights', 'official')).toEqual([]);
  });
});
