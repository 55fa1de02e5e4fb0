import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { AppConfig } from '@sunshine/core';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Personal data at rest: AES-256-GCM (random IV, authenticated) for values that must be read back,
 * and a keyed HMAC-SHA256 for matching equal values without decrypting them.
 */
@Injectable()
export class DataCipher {
  private readonly key: Buffer;
  private readonly hmacKey: Buffer;

  constructor(config: AppConfig) {
    this.key = Buffer.from(config.DATA_ENCRYPTION_KEY, 'base64');
    this.hmacKey = Buffer.from(config.DATA_HMAC_KEY, 'base64');
  }

  /** iv ‖ tag ‖ ciphertext */
  encrypt(plain: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  decrypt(sealed: Buffer): string {
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, IV_BYTES));
    decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }

  hmac(value: string): Buffer {
    return createHmac('sha256', this.hmacKey).update(value, 'utf8').digest();
  }
}
