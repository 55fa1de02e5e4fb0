import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { AppConfig, coreError, CoreErrorCode } from '@sunshine/core';

import { WorkQueue } from './work-queue';

const KEY_BYTES = 32;
const R = 8;
const P = 1;

function derive(password: string, salt: Buffer, logN: number): Promise<Buffer> {
  const N = 2 ** logN;
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, { N, r: R, p: P, maxmem: 256 * N * R }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/**
 * Who asks for password work on a request path. Each lane has its own bound, so password changes
 * and registrations, however many, cannot take the threads sign-in needs (scrypt runs on libuv's
 * pool of 4 threads, which file and DNS work share, and takes 128 MiB per derivation at N = 2^17).
 */
export type PasswordLane = 'sign_in' | 'account';

/** Derivations at once and in line per lane; 2 + 1 leaves one of libuv's four threads free. */
export const PASSWORD_LANES: Readonly<Record<PasswordLane, { concurrency: number; waiting: number }>> = {
  sign_in: { concurrency: 2, waiting: 32 },
  account: { concurrency: 1, waiting: 8 },
};

/** scrypt (memory-hard) with OWASP's parameters by default: `scrypt$logN$r$p$salt$key`. */
@Injectable()
export class PasswordHasher {
  private readonly logN: number;
  private readonly lanes: Record<PasswordLane, WorkQueue>;

  constructor(config: AppConfig) {
    this.logN = config.PASSWORD_SCRYPT_LOG_N;
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
    const key = await this.work(lane, () => derive(password, salt, this.logN));
    return ['scrypt', this.logN, R, P, salt.toString('base64'), key.toString('base64')].join('$');
  }

  async verify(password: string, stored: string, lane?: PasswordLane): Promise<boolean> {
    const [scheme, logN, r, p, salt, key] = stored.split('$');
    if (scheme !== 'scrypt' || Number(r) !== R || Number(p) !== P || !salt || !key) return false;
    const expected = Buffer.from(key, 'base64');
    const actual = await this.work(lane, () => derive(password, Buffer.from(salt, 'base64'), Number(logN)));
    return actual.length === expected.length && timingSafeEqual(actual, expected);
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
