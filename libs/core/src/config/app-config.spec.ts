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

  it('takes the public base URL without its trailing slash, or localhost and the port in development', () => {
    expect(validateConfig({ PUBLIC_BASE_URL: 'https://x.example/portal/' }).publicBaseUrl).toBe(
      'https://x.example/portal',
    );
    expect(validateConfig({ PORT: '8080' }).publicBaseUrl).toBe('http://localhost:8080');
    expect(() => validateConfig({ PUBLIC_BASE_URL: 'x.example' })).toThrow(
      /PUBLIC_BASE_URL: PUBLIC_BASE_URL must be an http/,
    );
    expect(() => validateConfig({ PUBLIC_BASE_URL: 'https://x.example/?q=1' })).toThrow(/PUBLIC_BASE_URL/);
  });

  it('takes a redis:// or rediss:// REDIS_URL, unset by default, and refuses anything else without echoing it', () => {
    expect(validateConfig({}).REDIS_URL).toBeUndefined();
    expect(validateConfig({ REDIS_URL: '' }).REDIS_URL).toBeUndefined();
    expect(validateConfig({ REDIS_URL: 'rediss://:pw@cache.internal:6380/2' }).REDIS_URL).toBe(
      'rediss://:pw@cache.internal:6380/2',
    );
    expect(() => validateConfig({ REDIS_URL: 'http://:secret@cache:6379' })).toThrow(/REDIS_URL: REDIS_URL must be/);
    expect(() => validateConfig({ REDIS_URL: 'http://:secret@cache:6379' })).not.toThrow(/secret/);
    expect(() => validateConfig({ REDIS_KEY_PREFIX: 'a b' })).toThrow(/REDIS_KEY_PREFIX/);
    expect(validateConfig({}).REDIS_COMMAND_TIMEOUT_MS).toBe(250);
    expect(validateConfig({ REDIS_COMMAND_TIMEOUT_MS: '5000' }).REDIS_COMMAND_TIMEOUT_MS).toBe(5000);
    for (const bad of ['0', '9', '60001', '1.5', 'soon'])
      expect(() => validateConfig({ REDIS_COMMAND_TIMEOUT_MS: bad })).toThrow(/REDIS_COMMAND_TIMEOUT_MS/);
  });

  it('names every bad setting and does not echo the database URL', () => {
    const attempt = () =>
      validateConfig({ PORT: 'http', DATABASE_URL: 'mysql://secret@h/db', MIGRATIONS_RUN: 'maybe' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT:.*\n.*DATABASE_URL:.*\n.*MIGRATIONS_RUN:/);
    expect(attempt).not.toThrow(/secret/);
  });
});

describe('production settings', () => {
  const secrets = {
    NODE_ENV: 'production',
    JWT_SECRET: 'x'.repeat(40),
    DATA_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
    DATA_HMAC_KEY: Buffer.alloc(32, 2).toString('base64'),
    PUBLIC_BASE_URL: 'https://sunshine.example.gov.cn',
  };

  it('accepts secrets of its own', () => {
    expect(validateConfig(secrets).demoData).toBe(false);
  });

  it.each(['JWT_SECRET', 'DATA_ENCRYPTION_KEY', 'DATA_HMAC_KEY'])('refuses the development default of %s', (key) => {
    const env: Record<string, string> = { ...secrets };
    delete env[key];
    expect(() => validateConfig(env)).toThrow(new RegExp(`${key}: the development default is refused in production`));
  });

  it('needs the public base URL', () => {
    expect(() => validateConfig({ ...secrets, PUBLIC_BASE_URL: '' })).toThrow(/PUBLIC_BASE_URL: must be set/);
  });

  it('refuses demo accounts', () => {
    expect(() => validateConfig({ ...secrets, DEMO_DATA: 'true' })).toThrow(/DEMO_DATA: demo accounts/);
  });
});

describe('read replica settings', () => {
  const primary = { DATABASE_URL: 'postgres://u@primary:5432/db' };

  it('lists the replicas and applies the defaults', () => {
    const sut = validateConfig({
      ...primary,
      DATABASE_REPLICA_URLS: 'postgres://u:pw@r1:5432/db, postgresql://u:pw@r2/db',
    });
    expect(sut.replicaUrls).toEqual(['postgres://u:pw@r1:5432/db', 'postgresql://u:pw@r2/db']);
    expect(sut).toMatchObject({ REPLICA_STICKY_MS: 5000, REPLICA_MAX_LAG_MS: 2000, REPLICA_CHECK_INTERVAL_MS: 1000 });
    expect(validateConfig(primary).replicaUrls).toEqual([]);
  });

  it('refuses a URL that is not postgres://, without echoing it', () => {
    const attempt = () =>
      validateConfig({ ...primary, DATABASE_REPLICA_URLS: 'postgres://u@r1/db,mysql://secret@r2/db' });
    expect(attempt).toThrow(/DATABASE_REPLICA_URLS: DATABASE_REPLICA_URLS must be comma-separated postgres/);
    expect(attempt).not.toThrow(/secret/);
  });

  it('needs DATABASE_URL: the embedded server has no replicas', () => {
    expect(() => validateConfig({ DATABASE_REPLICA_URLS: 'postgres://u@r1/db' })).toThrow(
      /DATABASE_REPLICA_URLS: needs DATABASE_URL/,
    );
  });

  it('refuses a sticky window shorter than the lag limit plus one check interval', () => {
    const replicas = { ...primary, DATABASE_REPLICA_URLS: 'postgres://u@r1/db' };
    expect(() => validateConfig({ ...replicas, REPLICA_STICKY_MS: '2999' })).toThrow(
      /REPLICA_STICKY_MS: must be at least REPLICA_MAX_LAG_MS \+ REPLICA_CHECK_INTERVAL_MS \(3000\)/,
    );
    expect(validateConfig({ ...replicas, REPLICA_STICKY_MS: '3000' }).REPLICA_STICKY_MS).toBe(3000);
    // Without replicas the window means nothing and is not checked.
    expect(validateConfig({ ...primary, REPLICA_STICKY_MS: '0' }).REPLICA_STICKY_MS).toBe(0);
  });
});

describe('the owner connection (DATABASE_OWNER_URL)', () => {
  it('is read beside DATABASE_URL, and needs it: the embedded server provides both roles', () => {
    const both = { DATABASE_URL: 'postgres://app@h/db', DATABASE_OWNER_URL: 'postgres://owner@h/db' };
    expect(validateConfig(both).DATABASE_OWNER_URL).toBe('postgres://owner@h/db');
    expect(() => validateConfig({ DATABASE_OWNER_URL: 'postgres://owner@h/db' })).toThrow(
      /DATABASE_OWNER_URL: needs DATABASE_URL/,
    );
    expect(() => validateConfig({ ...both, DATABASE_OWNER_URL: 'mysql://secret@h/db' })).toThrow(
      /DATABASE_OWNER_URL must be a postgres:\/\/ connection URL/,
    );
  });
});

describe('the trusted proxies (TRUST_PROXY)', () => {
  it('is off unless set, and reads a hop count or a list of addresses and ranges', () => {
    expect(validateConfig({}).trustProxy).toBe(false);
    expect(validateConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(validateConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8' }).trustProxy).toBe(
      'loopback, 10.0.0.0/8,fd00::/8',
    );
  });

  it.each(['true', '*', '0', '11', '10.0.0.0/33', '999.1.1.1', 'example.com', '10.0.0.1;rm'])('refuses %s', (value) => {
    expect(() => validateConfig({ TRUST_PROXY: value })).toThrow(/TRUST_PROXY/);
  });
});

describe('the test-only switch of the access guard (TEST_ACCESS_GUARD_ALLOWS_ALL)', () => {
  it('is off unless set, and taken only with NODE_ENV=test', () => {
    expect(validateConfig({}).TEST_ACCESS_GUARD_ALLOWS_ALL).toBe(false);
    expect(
      validateConfig({ NODE_ENV: 'test', TEST_ACCESS_GUARD_ALLOWS_ALL: 'true' }).TEST_ACCESS_GUARD_ALLOWS_ALL,
    ).toBe(true);
  });

  it.each(['production', 'development'])('is refused with NODE_ENV=%s', (env) => {
    expect(() => validateConfig({ NODE_ENV: env, TEST_ACCESS_GUARD_ALLOWS_ALL: 'true' })).toThrow(
      /TEST_ACCESS_GUARD_ALLOWS_ALL: turns the access checks off; refused unless NODE_ENV=test/,
    );
  });
});
