import { AppConfig, DomainError } from '@sunshine/core';

import { PASSWORD_LANES, PasswordHasher } from './password-hasher';

describe(PasswordHasher.name, () => {
  const sut = new PasswordHasher({ PASSWORD_SCRYPT_LOG_N: 10, PASSWORD_SCRYPT_P: 3 } as AppConfig);

  it('verifies what it hashed, and nothing else', async () => {
    const stored = await sut.hash('correct horse');
    expect(await sut.verify('correct horse', stored, 'sign_in')).toBe(true);
    expect(await sut.verify('wrong horse', stored, 'sign_in')).toBe(false);
  });

  it('verifies a hash with the cost it names, and says when it is not the configured one', async () => {
    const stored = await sut.hash('correct horse');
    expect(stored).toMatch(/^scrypt\$10\$8\$3\$/);
    expect(sut.needsRehash(stored)).toBe(false);
    const older = await new PasswordHasher({ PASSWORD_SCRYPT_LOG_N: 11, PASSWORD_SCRYPT_P: 1 } as AppConfig).hash(
      'correct horse',
    );
    expect(await sut.verify('correct horse', older)).toBe(true);
    expect(await sut.verify('wrong horse', older)).toBe(false);
    expect(sut.needsRehash(older)).toBe(true);
    // The same key under another p is another hash: the cost is part of what is checked.
    expect(await sut.verify('correct horse', older.replace('$11$8$1$', '$11$8$2$'))).toBe(false);
  });

  it('refuses stored hashes it cannot read or whose cost is out of bounds', async () => {
    const [, , , , salt, key] = (await sut.hash('correct horse')).split('$');
    for (const cost of ['9$8$3', '21$8$3', '10$8$0', '10$8$17', '10$16$3', '10.5$8$3', 'x$8$3'])
      expect(await sut.verify('correct horse', `scrypt$${cost}$${salt}$${key}`)).toBe(false);
    expect(await sut.verify('correct horse', `bcrypt$10$8$3$${salt}$${key}`)).toBe(false);
    expect(await sut.verify('correct horse', 'scrypt$10$8$3')).toBe(false);
  });

  it('answers 503 with Retry-After at once when a lane is full, while sign-in keeps its own places', async () => {
    const stored = await sut.hash('correct horse');
    const { concurrency, waiting } = PASSWORD_LANES.account;
    const flood = Array.from({ length: concurrency + waiting + 3 }, () => sut.verify('guess', stored, 'account'));
    const settled = Promise.allSettled(flood);
    // The sign-in lane is not behind the flood.
    expect(await sut.verify('correct horse', stored, 'sign_in')).toBe(true);

    const results = await settled;
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(3);
    for (const r of refused) {
      const error = (r as PromiseRejectedResult).reason as DomainError;
      expect(error.code).toBe('SERVICE_UNAVAILABLE');
      expect(error.headers['retry-after']).toBe('1');
    }
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(concurrency + waiting);
  });
});
