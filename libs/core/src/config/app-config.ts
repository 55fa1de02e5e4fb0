import { isIP } from 'node:net';

import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
const toBool = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  return value;
};
const emptyToUndefined = ({ value }: { value: unknown }): unknown => (value === '' ? undefined : value);

/** One trusted proxy: an IPv4 or IPv6 address with an optional prefix length, or a named range. */
const PROXY = String.raw`(?:loopback|linklocal|uniquelocal|(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?|[0-9a-fA-F:]*:[0-9a-fA-F:.]*(?:/\d{1,3})?)`;
/** TRUST_PROXY: a hop count 1–10, or a comma-separated list of proxies. */
const TRUST_PROXY_FORMAT = new RegExp(String.raw`^(?:[1-9]|10|${PROXY}(?:\s*,\s*${PROXY})*)$`);

/**
 * Every setting the processes read, with its default. `.env.example` lists the same names.
 * Values arrive as strings from the environment; each conversion is declared here, nothing is
 * coerced implicitly.
 */
export class AppConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @Min(0)
  @Max(65535)
  @IsInt() // checked first: decorators apply bottom-up
  PORT = 3000;

  @IsString()
  @MinLength(1)
  HOST = '0.0.0.0';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /**
   * The application's connection, as a role that owns nothing (a member of sunshine_app). Unset: an
   * embedded PostgreSQL is started in EMBEDDED_PG_DIR.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// connection URL' })
  DATABASE_URL?: string;

  /** The schema owner's connection to the same database, for migrations. Unset: DATABASE_URL. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_OWNER_URL must be a postgres:// connection URL' })
  DATABASE_OWNER_URL?: string;

  @Transform(toInt)
  @Min(1)
  @Max(200)
  @IsInt() // checked first: decorators apply bottom-up
  DATABASE_POOL_SIZE = 10;

  /**
   * Streaming replicas of DATABASE_URL (comma-separated postgres:// URLs) that take the public
   * reads; unset: every read goes to DATABASE_URL.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/[^\s,]+(\s*,\s*postgres(ql)?:\/\/[^\s,]+)*$/, {
    message: 'DATABASE_REPLICA_URLS must be comma-separated postgres:// connection URLs',
  })
  DATABASE_REPLICA_URLS?: string;

  /** After a client's successful write, its reads go to the primary for this long (ms). */
  @Transform(toInt)
  @Min(0)
  @Max(3_600_000)
  @IsInt() // checked first: decorators apply bottom-up
  REPLICA_STICKY_MS = 5000;

  /** A replica whose replay is further behind than this (ms) takes no reads until it catches up. */
  @Transform(toInt)
  @Min(0)
  @Max(3_600_000)
  @IsInt() // checked first: decorators apply bottom-up
  REPLICA_MAX_LAG_MS = 2000;

  /** How often each replica's state and lag are checked (ms). */
  @Transform(toInt)
  @Min(50)
  @Max(60_000)
  @IsInt() // checked first: decorators apply bottom-up
  REPLICA_CHECK_INTERVAL_MS = 1000;

  /** DATABASE_REPLICA_URLS as a list. */
  get replicaUrls(): string[] {
    return (this.DATABASE_REPLICA_URLS ?? '')
      .split(',')
      .map((url) => url.trim())
      .filter((url) => url !== '');
  }

  @IsString()
  @MinLength(1)
  EMBEDDED_PG_DIR = '.data/postgres';

  @Transform(toInt)
  @Min(1)
  @Max(65535)
  @IsInt() // checked first: decorators apply bottom-up
  EMBEDDED_PG_PORT = 54329;

  @Transform(toBool)
  @IsBoolean()
  MIGRATIONS_RUN = true;

  /** Loads this CSV into an empty region table at start (`none`: never). */
  @IsString()
  BUILTIN_REGIONS_FILE = 'data/regions/liaoning.csv';

  /** HS256 key of access tokens. */
  @IsString()
  @MinLength(32)
  JWT_SECRET = DEV_DEFAULTS.JWT_SECRET;

  /** AES-256-GCM key (base64, 32 bytes) for identity numbers and TOTP secrets at rest. */
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'DATA_ENCRYPTION_KEY must be 32 bytes in base64' })
  DATA_ENCRYPTION_KEY = DEV_DEFAULTS.DATA_ENCRYPTION_KEY;

  /** HMAC-SHA256 key (base64, 32 bytes) for matching identity numbers without decrypting them. */
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'DATA_HMAC_KEY must be 32 bytes in base64' })
  DATA_HMAC_KEY = DEV_DEFAULTS.DATA_HMAC_KEY;

  /**
   * scrypt cost: N = 2^value, 128 · N · 8 bytes of memory per hash (15: 32 MiB). With
   * PASSWORD_SCRYPT_P, one of OWASP's configurations: 17/1, 16/2, 15/3 (the default), 14/5, 13/10.
   */
  @Transform(toInt)
  @Min(10)
  @Max(20)
  @IsInt()
  PASSWORD_SCRYPT_LOG_N = 15;

  /** scrypt parallelisation p: passes over the same memory, each adding the cost of one (see PASSWORD_SCRYPT_LOG_N). */
  @Transform(toInt)
  @Min(1)
  @Max(16)
  @IsInt()
  PASSWORD_SCRYPT_P = 3;

  /** Officials and admins must enrol a TOTP second factor before doing anything else. */
  @Transform(toBool)
  @IsBoolean()
  TOTP_REQUIRED = false;

  /**
   * Seconds an API process keeps a session's check (session, account, roles) in memory, dropped as
   * soon as the database announces a change to them (LISTEN; libs/access/src/auth/session-cache.ts);
   * 0: every request reads it. At most 60 (the session's activity mark is set once a minute). Set 0
   * behind a pooler that cannot hold a LISTEN (PgBouncer in transaction mode).
   */
  @Transform(toInt)
  @Min(0)
  @Max(60)
  @IsInt()
  SESSION_CACHE_SECONDS = 60;

  /** Login and registration attempts per minute per client address. */
  @Transform(toInt)
  @Min(1)
  @Max(10000)
  @IsInt()
  AUTH_RATE_LIMIT = 10;

  /** Statement timeout of public reads (lists, search, feeds), in ms: a runaway query becomes a 503. */
  @Transform(toInt)
  @Min(100)
  @Max(60000)
  @IsInt()
  PUBLIC_STATEMENT_TIMEOUT_MS = 3000;

  /**
   * Rows of a region, newest first, that a filtered public list (category, period, or a title word
   * too common for the title index) reads at most for one page: a page that found fewer than its
   * limit in them ends there, with a cursor to go on from.
   */
  @Transform(toInt)
  @Min(10)
  @Max(1000000)
  @IsInt()
  PUBLIC_LIST_SCAN_ROWS = 20000;

  /** Open-data exports streaming at once, each on a connection of their own pool; beyond: 503 with Retry-After. */
  @Transform(toInt)
  @Min(1)
  @Max(50)
  @IsInt()
  EXPORT_CONCURRENCY = 2;

  /** Days the village clerk has to answer the follow-up a negative satisfaction rating opens. */
  @Transform(toInt)
  @Min(1)
  @Max(365)
  @IsInt() // checked first: decorators apply bottom-up
  RATING_FOLLOW_UP_DAYS = 15;

  /**
   * Days audit entries stay in the database before they may be archived: at least 180 (MLPS level 3),
   * which the database enforces as well.
   */
  @Transform(toInt)
  @Min(180, { message: 'AUDIT_RETENTION_DAYS must be at least 180 (audit entries are kept at least 180 days)' })
  @Max(36500)
  @IsInt() // checked first: decorators apply bottom-up
  AUDIT_RETENTION_DAYS = 180;

  /** Folder of the audit archive files (gzip'd JSON Lines), which `npm run audit:verify` reads too. */
  @IsString()
  @MinLength(1)
  AUDIT_ARCHIVE_DIR = '.data/audit-archive';

  /** The worker archives audit entries older than AUDIT_RETENTION_DAYS daily (03:17 UTC); off: `npm run audit:archive` only. */
  @Transform(toBool)
  @IsBoolean()
  AUDIT_ARCHIVE_SCHEDULED = false;

  /**
   * Where the public reaches the API (scheme, host, optional port and path; no query): absolute
   * links of the Atom feed. Unset: `http://localhost:PORT`, refused in production.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, {
    message: 'PUBLIC_BASE_URL must be an http(s) URL such as https://sunshine.example.gov.cn',
  })
  PUBLIC_BASE_URL?: string;

  /** PUBLIC_BASE_URL without a trailing slash, or the development default. */
  get publicBaseUrl(): string {
    return (this.PUBLIC_BASE_URL ?? `http://localhost:${this.PORT}`).replace(/\/+$/, '');
  }

  /**
   * Origins whose web pages may call the API (CORS), comma-separated: each `https://host[:port]`
   * gets the whole API with a bearer token; `*` lets any other origin read (GET, HEAD); `none`:
   * no one. Unset: `none` in production, `*` in development and test.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^(none|(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)(\s*,\s*(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?))*)$/, {
    message: 'CORS_ORIGINS must be none, *, or comma-separated origins such as https://portal.example.gov.cn',
  })
  CORS_ORIGINS?: string;

  /**
   * Strict-Transport-Security max-age in seconds, sent only when the API is reached over TLS
   * (directly or behind a TLS proxy). 0: no HSTS header (plain HTTP, development).
   */
  @Transform(toInt)
  @Min(0)
  @Max(63072000)
  @IsInt() // checked first: decorators apply bottom-up
  HSTS_MAX_AGE = 0;

  /**
   * The proxies in front of the API whose `X-Forwarded-For` is believed (the client address of rate
   * limits and the audit log): a hop count (1–10: that many proxies, each appending the address it
   * saw), or a comma-separated list of addresses and CIDR ranges (and `loopback`, `linklocal`,
   * `uniquelocal`). Unset: none; the header is ignored (a client could name any address in it).
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(TRUST_PROXY_FORMAT, {
    message:
      'TRUST_PROXY must be a hop count (1-10) or a comma-separated list of addresses, CIDR ranges, loopback, linklocal or uniquelocal',
  })
  TRUST_PROXY?: string;

  /** TRUST_PROXY as Fastify's `trustProxy`: false, a hop count, or the list. */
  get trustProxy(): false | number | string {
    if (!this.TRUST_PROXY) return false;
    return /^\d+$/.test(this.TRUST_PROXY) ? Number(this.TRUST_PROXY) : this.TRUST_PROXY;
  }

  /**
   * Redis shared by every API process (`redis://[user:password@]host:port[/db]`, `rediss://` for
   * TLS): the rate limits count across processes. Unset: each process limits on its own.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Prefix of every key this deployment writes to Redis (several deployments may share one server). */
  @Matches(/^[A-Za-z0-9._:-]{1,64}$/, {
    message: 'REDIS_KEY_PREFIX must be 1-64 letters, digits or . _ : -',
  })
  REDIS_KEY_PREFIX = 'sunshine:';

  /**
   * How long a Redis command may take before the limits count in-process (for a second, then Redis
   * is tried again): a Redis that stops answering must not stall sign-in.
   */
  @Transform(toInt)
  @Min(10)
  @Max(60000)
  @IsInt()
  REDIS_COMMAND_TIMEOUT_MS = 250;

  /**
   * Tests only: the access guard still signs the caller in, but lets every authenticated request
   * through whatever its permission and region, to show what row-level security alone holds back.
   * Refused unless NODE_ENV is `test`.
   */
  @Transform(toBool)
  @IsBoolean()
  TEST_ACCESS_GUARD_ALLOWS_ALL = false;

  /** Seeds the demo accounts (README) at start. Default: on with the embedded database, else off. */
  @Transform(toBool)
  @IsOptional()
  @IsBoolean()
  DEMO_DATA?: boolean;

  get demoData(): boolean {
    return this.DEMO_DATA ?? (this.NODE_ENV !== 'production' && !this.DATABASE_URL);
  }

  /**
   * Runs the scheduled and queued jobs (pg-boss) inside the API process too, besides the worker.
   * Default: on with the embedded database (one process does everything), else off (run the worker).
   */
  @Transform(toBool)
  @IsOptional()
  @IsBoolean()
  JOBS_IN_API?: boolean;

  get jobsInApi(): boolean {
    return this.JOBS_IN_API ?? !this.DATABASE_URL;
  }
}

/** Development defaults of the secrets; a production start refuses them. */
export const DEV_DEFAULTS = {
  JWT_SECRET: 'development-only-jwt-secret-do-not-use-in-production',
  DATA_ENCRYPTION_KEY: 'ZGV2ZWxvcG1lbnQtb25seS1lbmNyeXB0aW9uLWtleSE=',
  DATA_HMAC_KEY: 'ZGV2ZWxvcG1lbnQtb25seS1obWFjLWtleS0xMjM0NTY=',
} as const;

/** The TRUST_PROXY list's entries (none for a hop count or unset). */
function trustedProxies(config: AppConfig): string[] {
  const setting = config.trustProxy;
  return typeof setting === 'string' ? setting.split(',').map((entry) => entry.trim()) : [];
}

function validProxy(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address, prefix] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0) return false;
  return prefix === undefined || Number(prefix) <= (family === 4 ? 32 : 128);
}

/** Settings that are valid one by one but not together. */
function combinationProblems(config: AppConfig): string[] {
  const problems: string[] = [];
  const badProxy = trustedProxies(config).find((entry) => !validProxy(entry));
  if (badProxy !== undefined) problems.push(`  TRUST_PROXY: ${badProxy} is not an IP address or CIDR range`);
  if (config.DATABASE_OWNER_URL && !config.DATABASE_URL)
    problems.push('  DATABASE_OWNER_URL: needs DATABASE_URL (the embedded server provides both roles itself)');
  if (!config.DATABASE_REPLICA_URLS) return problems;
  if (!config.DATABASE_URL)
    problems.push(
      '  DATABASE_REPLICA_URLS: needs DATABASE_URL (the primary they replicate; the embedded server has no replicas)',
    );
  // A write is on every replica that takes reads once the window ends only if a replica further
  // behind than the lag limit has been seen to be so by then (one check interval later at most).
  if (config.REPLICA_STICKY_MS < config.REPLICA_MAX_LAG_MS + config.REPLICA_CHECK_INTERVAL_MS)
    problems.push(
      `  REPLICA_STICKY_MS: must be at least REPLICA_MAX_LAG_MS + REPLICA_CHECK_INTERVAL_MS (${
        config.REPLICA_MAX_LAG_MS + config.REPLICA_CHECK_INTERVAL_MS
      }), else a writer may read a replica that lacks its write`,
    );
  return problems;
}

function testOnlyProblems(config: AppConfig): string[] {
  return config.TEST_ACCESS_GUARD_ALLOWS_ALL && config.NODE_ENV !== 'test'
    ? ['  TEST_ACCESS_GUARD_ALLOWS_ALL: turns the access checks off; refused unless NODE_ENV=test']
    : [];
}

function productionProblems(config: AppConfig): string[] {
  if (config.NODE_ENV !== 'production') return [];
  const problems = (Object.keys(DEV_DEFAULTS) as (keyof typeof DEV_DEFAULTS)[])
    .filter((key) => config[key] === DEV_DEFAULTS[key])
    .map((key) => `  ${key}: the development default is refused in production; set a secret of your own`);
  if (config.DEMO_DATA)
    problems.push('  DEMO_DATA: demo accounts and their published passwords are refused in production');
  if (!config.PUBLIC_BASE_URL)
    problems.push('  PUBLIC_BASE_URL: must be set in production (the public address of the API, for absolute links)');
  return problems;
}

export class ConfigError extends Error {}

/** Parses and checks the environment; throws a ConfigError naming each bad setting. */
export function validateConfig(env: Record<string, unknown>): AppConfig {
  const known = [
    ...Object.keys(new AppConfig()),
    'DATABASE_URL',
    'DATABASE_OWNER_URL',
    'DATABASE_REPLICA_URLS',
    'DEMO_DATA',
    'JOBS_IN_API',
    'PUBLIC_BASE_URL',
    'CORS_ORIGINS',
    'REDIS_URL',
    'TRUST_PROXY',
  ];
  // An empty value means unset (as in a copied .env.example): the default applies.
  const relevant = Object.fromEntries(Object.entries(env).filter(([k, v]) => known.includes(k) && v !== ''));
  const config = plainToInstance(AppConfig, relevant, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true, stopAtFirstError: true });
  const lines = errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
  if (errors.length === 0)
    lines.push(...combinationProblems(config), ...testOnlyProblems(config), ...productionProblems(config));
  if (lines.length > 0) throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  return config;
}
