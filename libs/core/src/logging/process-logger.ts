import { Logger as NestLogger, LoggerService } from '@nestjs/common';
import { Logger as NestPinoLogger, PinoLogger } from 'nestjs-pino';
import pino, { Level, LevelWithSilent, Logger } from 'pino';

const LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Nest's own start-up chatter, kept at debug: a line per module ("… dependencies initialized"), per
 * controller and per route ("Mapped {…}"), and "successfully started" before the server listens (the
 * start's last line is the app's own "listening" line, once the port is really open). Nest's
 * ExceptionHandler logs a failed start with its stack; the main says why in one plain line instead,
 * so that stack is kept at debug too.
 */
const DEMOTED: Readonly<Record<string, number>> = {
  InstanceLoader: 30,
  RoutesResolver: 30,
  RouterExplorer: 30,
  NestFactory: 30,
  NestApplication: 30,
  ExceptionHandler: 50,
};

let root: Logger | undefined;

/**
 * The process's one pino logger: every line it writes, from the first to the last, is a JSON object
 * with `level`, `time` and `msg` (and `context` for lines from Nest). Created on first use; a later
 * call with another level changes the level of the same logger. The HTTP request logs
 * (LoggingModule) and Nest's logger (`nestLogger`) write through it.
 */
export function processLogger(level: string = levelFromEnv()): Logger {
  const wanted = (LEVELS.includes(level) ? level : 'info') as LevelWithSilent;
  if (!root) {
    root = pino(
      {
        level: wanted,
        hooks: {
          logMethod(args, method, lineLevel) {
            const [first] = args as unknown[];
            const context =
              typeof first === 'object' && first !== null ? (first as { context?: unknown }).context : undefined;
            if (typeof context === 'string' && DEMOTED[context] === lineLevel) {
              this.debug(...args); // kept, at debug
              return;
            }
            method.apply(this, args);
          },
        },
      },
      // Written synchronously: pino's default stream buffers, and a process that exits (a signal
      // re-raised after shutdown, process.exit after a start failure) would lose its last lines.
      pino.destination({ dest: 1, sync: true }),
    );
  } else if (root.level !== wanted) {
    root.level = wanted;
  }
  return root;
}

/** LOG_LEVEL as the environment gives it, `info` if unset or not a level (the config check names it). */
export function levelFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const level = env.LOG_LEVEL?.trim();
  return level && LEVELS.includes(level) ? level : 'info';
}

/** Nest's `LoggerService` writing through `logger` (lines carry Nest's `context`). */
export function nestLogger(logger: Logger = processLogger()): LoggerService {
  return new NestPinoLogger(new PinoLogger({ pinoHttp: { logger } }), {});
}

/**
 * Makes the process log JSON only, before anything else runs: Nest's static logger (used until an
 * app attaches its own, and by code outside any app) writes through `logger`, and so do Node's
 * process warnings, which it would print as text on stderr. Returns `logger`.
 */
export function logJsonOnly(logger: Logger = processLogger()): Logger {
  NestLogger.overrideLogger(nestLogger(logger));
  process.removeAllListeners('warning'); // Node's own listener writes "(node:…) Warning: …" to stderr
  process.on('warning', (warning) => logger.warn({ context: 'Process', err: warning }, warning.message));
  return logger;
}

/**
 * Logs a line however LOG_LEVEL is set (a start failure or a crash must always say why): at `level`
 * if enabled, else on a child logger that lets exactly this level through.
 */
export function logAlways(logger: Logger, level: Level, fields: object, msg: string): void {
  const out = logger.isLevelEnabled(level) ? logger : logger.child({}, { level });
  out[level](fields, msg);
}
