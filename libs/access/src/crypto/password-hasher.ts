import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { AppConfig } from '@sunshine/core';

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

/** scrypt (memory-hard) with OWASP's parameters by default: `scrypt$logN$r$p$salt$key`. */
@Injectable()
export class PasswordHasher {
  private readonly logN: number;

  constructor(config: AppConfig) {
    this.logN = config.PASSWORD_SCRYPT_LOG_N;
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await derive(password, salt, this.logN);
    return ['scrypt', this.logN, R, P, salt.toString('base64'), key.toString('base64')].join('$');
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const [scheme, logN, r, p, salt, key] = stored.split('$');
    if (scheme !== 'scrypt' || Number(r) !== R || Number(p) !== P || !salt || !key) return false;
    const expected = Buffer.from(key, 'base64');
    const actual = await derive(password, Buffer.from(salt, 'base64'), Number(logN));
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}
