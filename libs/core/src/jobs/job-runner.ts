import { BeforeApplicationShutdown, Global, Injectable, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import PgBoss from 'pg-boss';

import { AppConfig } from '../config/app-config';
import { DatabaseServer } from '../database/database-server';

/** A job: its handler runs once per queued job or scheduled tick, in one process across all of them. */
export interface JobDefinition {
  /** The queue's name, e.g. `notifications.deliver`. */
  name: string;
  /** A cron schedule (pg-boss: at most one job per tick across every process), or none (queued only). */
  cron?: string;
  run: () => Promise<void>;
}

/** pg-boss keeps its tables in a schema of its own on the application's database. */
export const JOBS_SCHEMA = 'pgboss';

/**
 * Scheduled and queued work on the application's PostgreSQL through pg-boss (no Redis): contexts
 * `register` their jobs when their module starts; `start` creates each queue (policy `singleton`:
 * one job of a queue is active at a time across processes), its worker and its schedule. The
 * worker app always starts it; the API process starts it too when JOBS_IN_API (default: with the
 * embedded database). `runNow` runs a handler in the calling process, synchronously (tests,
 * scripts): handlers are written to be safe to run concurrently anyway.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly jobs = new Map<string, JobDefinition>();
  private boss: PgBoss | null = null;
  private starting: Promise<void> | null = null;
  /** From the shutdown on, pg-boss losing its connections (the server stops next) is expected. */
  private stopping = false;

  constructor(
    private readonly config: AppConfig,
    private readonly server: DatabaseServer,
  ) {}

  register(job: JobDefinition): void {
    if (this.jobs.has(job.name)) throw new Error(`The job ${job.name} is registered twice`);
    this.jobs.set(job.name, job);
  }

  get names(): string[] {
    return [...this.jobs.keys()];
  }

  get started(): boolean {
    return this.boss !== null;
  }

  /** Runs the job's handler here and now, outside pg-boss. */
  async runNow(name: string): Promise<void> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`No job named ${name}`);
    await job.run();
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.jobsInApi) await this.start();
  }

  /** Starts pg-boss with every registered job; a second call is a no-op. */
  start(): Promise<void> {
    this.starting ??= this.startBoss();
    return this.starting;
  }

  private async startBoss(): Promise<void> {
    // The queue's own connections are the schema owner's: pg-boss installs and migrates its schema
    // and adds a table per queue as it runs. The jobs themselves run on the application's pool.
    const boss = new PgBoss({
      connectionString: this.server.ownerUrl,
      schema: JOBS_SCHEMA,
      application_name: 'sunshine-jobs',
      max: 3,
    });
    // Always listened to (an 'error' event without a listener would crash the process).
    boss.on('error', (error) => {
      if (this.stopping) this.logger.debug(`pg-boss while stopping: ${error.message}`);
      else this.logger.error(`pg-boss: ${error.message}`);
    });
    await boss.start();
    for (const job of this.jobs.values()) {
      await boss.createQueue(job.name, { name: job.name, policy: 'singleton', retryLimit: 3, retryDelay: 30 });
      await boss.work(job.name, { pollingIntervalSeconds: 5 }, async () => {
        await job.run();
      });
      if (job.cron) await boss.schedule(job.name, job.cron, {}, { tz: 'UTC' });
    }
    this.boss = boss;
    this.logger.log(`jobs running: ${this.names.join(', ') || 'none'}`);
  }

  /** Queues one run of the job (e.g. right after an event, besides its schedule); no-op when not started. */
  async send(name: string): Promise<void> {
    if (this.boss) await this.boss.send(name, {}, { singletonKey: name });
  }

  /** Before the pool and the embedded server close (their hooks are onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const starting = this.starting;
    if (!starting) return;
    await starting.catch(() => undefined);
    const boss = this.boss;
    this.boss = null;
    this.starting = null;
    if (boss) {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
      // pg-boss checks once a second that the workers it stopped have ended (one caught in a fetch
      // ends after it), and keeps a timer until they have: wait out one check, so that nothing of it
      // runs once the app is closed (under Jest it would run in the next test file, without modules).
      await new Promise((resolve) => setTimeout(resolve, 1100));
      this.logger.log('jobs stopped');
    }
  }
}

/** The job runner, shared by every context (global); import once per app. */
@Global()
@Module({ providers: [JobRunner], exports: [JobRunner] })
export class JobsModule {}
