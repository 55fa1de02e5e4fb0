import type { Pool } from 'pg';

/** An account a bench signs in with: kept from run to run (audit rows refer to it), its password reset. */
export interface BenchAccount {
  kind: 'resident' | 'official';
  login: string;
  region: string;
  /** The password's hash, as the app hashes (PasswordHasher). */
  hash: string;
  /** An office to hold, at the region's level. */
  role?: { name: string; level: number };
}

/** Creates the account or resets its password and home region; grants its office once. Its id. */
export async function upsertAccount(pool: Pool, account: BenchAccount): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO app_user (kind, login, real_name, home_region_code, password_hash)
     VALUES ($1, $2, $2, $3, $4)
     ON CONFLICT (login) DO UPDATE SET password_hash = EXCLUDED.password_hash, disabled_at = NULL, home_region_code = $3
     RETURNING id`,
    [account.kind, account.login, account.region, account.hash],
  );
  const id = rows[0]?.id as string;
  if (account.role)
    await pool.query(
      `INSERT INTO role_assignment (user_id, role, region_code, region_level)
       SELECT $1::uuid, $2::text, $3::bigint, $4::smallint WHERE NOT EXISTS (
         SELECT 1 FROM role_assignment WHERE user_id = $1::uuid AND role = $2::text AND region_code = $3::bigint
           AND revoked_at IS NULL)`,
      [id, account.role.name, account.region, account.role.level],
    );
  return id;
}

/**
 * Signs `login` in on the server at `url`; its authorization header. A 503 with Retry-After (the
 * password checks queued by a sign-in load are still running) is waited out, up to 20 times.
 */
export async function signIn(url: string, login: string, password: string): Promise<Record<string, string>> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login, password }),
    });
    if (res.status === 200)
      return { authorization: `Bearer ${((await res.json()) as { accessToken: string }).accessToken}` };
    if (res.status !== 503 || attempt === 20)
      throw new Error(`${url}: sign-in of ${login} replied ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 1000 * Number(res.headers.get('retry-after') ?? 1)));
  }
}
