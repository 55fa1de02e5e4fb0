import { ConfigError, validateConfig } from './app-config';

describe(validateConfig.name, () => {
  it('applies the documented defaults to an empty environment', () => {
    const sut = validateConfig({});
    expect(sut.DATABASE_URL).toBeUndefined();
    expect(sut).toMatchObject({
      PORT: 3000,
      EMBEDDED_PG_DIR: '.data/postgres',
      MIGRATIONS_RUN: true,
    });
  });

  it('converts the declared types', () => {
    const sut = validateConfig({ PORT: '8080', MIGRATIONS_RUN: 'false', DATABASE_URL: 'postgres://u@h:5432/db' });
    expect(sut).toMatchObject({ PORT: 8080, MIGRATIONS_RUN: false, DATABASE_URL: 'postgres://u@h:5432/db' });
  });

  it('treats an empty DATABASE_URL as unset', () => {
    expect(validateConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('names every bad setting and does not echo the database URL', () => {
    const attempt = () =>
      validateConfig({ PORT: 'http', DATABASE_URL: 'mysql://secret@h/db', MIGRATIONS_RUN: 'maybe' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT:.*\n.*DATABASE_URL:.*\n.*MIGRATIONS_RUN:/);
    expect(attempt).not.toThrow(/secret/);
  });
});
