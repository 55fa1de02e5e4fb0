import { ChildProcess, fork } from 'node:child_process';

import { API_NODE_FLAGS, type AppConfig } from '@sunshine/core';

/**
 * A server a bench loads, in a process of its own (its resident memory its own): a script that
 * sends its parent `{ url }` once listening, `{ rss }` when sent 'rss', and exits when sent 'stop'
 * (bench/province-app.ts, the real app; bench/floor/main.ts, the floor). Each runs with the API's
 * heap settings (API_NODE_FLAGS), as `npm start` and the Docker image run the API.
 */
export class AppProcess<Name extends string = string> {
  private constructor(
    readonly name: Name,
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static start<Name extends string>(name: Name, script: string, env: NodeJS.ProcessEnv): Promise<AppProcess<Name>> {
    const child = fork(script, [], {
      env,
      execArgv: [...process.execArgv, ...API_NODE_FLAGS],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start within 120 s`)), 120_000);
      child.once('exit', (code) => reject(new Error(`${name} exited with ${code} while starting`)));
      child.once('message', (message: { url?: string }) => {
        clearTimeout(timer);
        if (message.url) resolve(new AppProcess(name, child, message.url));
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The process's resident set, in MB, as it reads it itself (process.memoryUsage().rss). */
  rssMb(): Promise<number> {
    return new Promise((resolve) => {
      const listener = (message: { rss?: number }) => {
        if (message.rss === undefined) return;
        this.child.off('message', listener);
        resolve(message.rss / 2 ** 20);
      };
      this.child.on('message', listener);
      this.child.send('rss');
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      this.child.removeAllListeners('exit');
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.send('stop');
    });
  }
}

/** The environment of a bench's server on `databaseUrl`: the bench's settings, no migrations, demo data, jobs or region file. */
export function serverEnv(config: AppConfig, databaseUrl: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: String(config.DATABASE_POOL_SIZE),
    JWT_SECRET: config.JWT_SECRET,
    MIGRATIONS_RUN: 'false',
    DEMO_DATA: 'false',
    JOBS_IN_API: 'false',
    LOG_LEVEL: 'warn',
    BUILTIN_REGIONS_FILE: 'none',
    AUTH_RATE_LIMIT: '10000',
  };
}
