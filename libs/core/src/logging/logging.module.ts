import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';

import { AppConfig } from '../config/app-config';
import { processLogger } from './process-logger';

/**
 * JSON logs through pino, one line per event, each carrying the request id (`req.id`). Requests are
 * logged by path only (no query string, headers or bodies), so no personal data reaches the logs.
 * Everything goes through the process's one logger (processLogger), which the mains use from their
 * first line, so the format never changes during a run.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // No Nest middleware: createHttpApp logs requests with these settings from a Fastify hook
        // (logRequests), and creates its adapter without the middleware engine.
        forRoutes: [],
        pinoHttp: {
          logger: processLogger(config.LOG_LEVEL),
          serializers: {
            req: (req: { id: unknown; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              path: req.url.split('?')[0],
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
          customLogLevel: (_req: unknown, res: { statusCode: number }, err?: Error) =>
            err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
          autoLogging: { ignore: (req: { url?: string }) => /^\/(health|metrics)/.test(req.url ?? '') },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
