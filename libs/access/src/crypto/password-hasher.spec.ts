import { AppConfig, DomainError } from '@sunshine/core';

import { PASSWORD_LANES, PasswordHasher } from './password-hasher';

describe(PasswordHasher.name, () => {
  const sut = new PasswordHasher({ PASSWORD_SCRYPT_LOG_N: 10 } as AppConfig);

  it('verifies what it hashed, and nothing else', async () => {
    const stored = await sut.hash('correct horse');
    expect(await sut.verify('correct horse', stored, 'sign_in')).toBe(true);
    expect(await sut.verify('wrong horse', stored, 'sign_in')).toBe(false);
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
