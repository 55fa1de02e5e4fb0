import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { AppConfig, coreError, CoreErrorCode } from '@sunshine/core';

import { WorkQueue } from './work-queue';

const KEY_BYTES = 32;
const R = 8;

/** scrypt's cost: N = 2^logN (128 · N · r bytes of memory per derivation) and p passes over that memory. */
interface Cost {
  logN: number;
  p: number;
}

/** The costs a stored hash may name (the configuration's bounds): anything else is not verified. */
const withinBounds = ({ logN, p }: Cost) =>
  Number.isInteger(logN) && logN >= 10 && logN <= 20 && Number.isInteger(p) && p >= 1 && p <= 16;

function derive(password: string, salt: Buffer, { logN, p }: Cost): Promise<Buffer> {
  const N = 2 ** logN;
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, { N, r: R, p, maxmem: 256 * N * R }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/**
 * Who asks for password work on a request path. Each lane has its own bound, so password changes
 * and registrations, however many, cannot take the threads sign-in needs (scrypt runs on libuv's
 * pool of 4 threads, which file and DNS work share, and takes 32 MiB per derivation at N = 2^15).
 */
export type PasswordLane = 'sign_in' | 'account';

/** Derivations at once and in line per lane; 2 + 1 leaves one of libuv's four threads free. */
export const PASSWORD_LANES: Readonly<Record<PasswordLane, { concurrency: number; waiting: number }>> = {
  sign_in: { concurrency: 2, waiting: 32 },
  account: { concurrency: 1, waiting: 8 },
};

/**
 * scrypt (memory-hard): `scrypt$logN$r$p$salt$key`. By default N = 2^15, r = 8, p = 3, one of the
 * configurations OWASP's Password Storage Cheat Sheet lists as equal in strength (with 2^17/8/1,
 * 2^16/8/2, 2^14/8/5 and 2^13/8/10): 32 MiB per derivation instead of 128, so that the two sign-ins
 * checked at once stay within the API's memory budget. A hash is verified with the cost it names;
 * `needsRehash` tells sign-in to store it again at the configured cost.
 */
@Injectable()
export class PasswordHasher {
  private readonly cost: Cost;
  private readonly lanes: Record<PasswordLane, WorkQueue>;

  constructor(config: AppConfig) {
    this.cost = { logN: config.PASSWORD_SCRYPT_LOG_N, p: config.PASSWORD_SCRYPT_P };
    this.lanes = {
      sign_in: new WorkQueue(PASSWORD_LANES.sign_in.concurrency, PASSWORD_LANES.sign_in.waiting),
      account: new WorkQueue(PASSWORD_LANES.account.concurrency, PASSWORD_LANES.account.waiting),
    };
  }

  /**
   * Hashes a password. Request paths name their lane (a full lane answers 503 with Retry-After at
   * once); start-up work (demo accounts) passes none.
   */
  async hash(password: string, lane?: PasswordLane): Promise<string> {
    const salt = randomBytes(16);
    const key = await this.work(lane, () => derive(password, salt, this.cost));
    return ['scrypt', this.cost.logN, R, this.cost.p, salt.toString('base64'), key.toString('base64')].join('$');
  }

  async verify(password: string, stored: string, lane?: PasswordLane): Promise<boolean> {
    const parsed = parse(stored);
    if (!parsed) return false;
    const actual = await this.work(lane, () => derive(password, parsed.salt, parsed.cost));
    return actual.length === parsed.key.length && timingSafeEqual(actual, parsed.key);
  }

  /** Whether `stored` (a hash that verified) names another cost than the configured one. */
  needsRehash(stored: string): boolean {
    const parsed = parse(stored);
    return !parsed || parsed.cost.logN !== this.cost.logN || parsed.cost.p !== this.cost.p;
  }

  private async work(lane: PasswordLane | undefined, job: () => Promise<Buffer>): Promise<Buffer> {
    if (!lane) return job();
    const done = await this.lanes[lane].run(job);
    if (!done)
      throw coreError(
        CoreErrorCode.ServiceUnavailable,
        'Too many password checks are running at once; retry in a moment.',
      ).withHeaders({ 'retry-after': '1' });
    return done.value;
  }
}

function parse(stored: string): { cost: Cost; salt: Buffer; key: Buffer } | undefined {
  const [scheme, logN, r, p, salt, key] = stored.split('$');
  const cost = { logN: Number(logN), p: Number(p) };
  if (scheme !== 'scrypt' || Number(r) !== R || !withinBounds(cost) || !salt || !key) return undefined;
  return { cost, salt: Buffer.from(salt, 'base64'), key: Buffer.from(key, 'base64') };
}
