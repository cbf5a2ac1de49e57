import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger, PinoNestLogger, type Logger } from '@parley/logger';
import { MessagingLimits } from '@parley/protocol';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from '../app.module.js';
import type { MessagingConfig } from '../config/config.js';
import { HttpExceptionFilter, mapErrorToHttp } from '../errors/http-exception.filter.js';
import { buildInfrastructure, type MessagingInfrastructure } from '../infrastructure/infrastructure.js';
import { OutboxRelay } from '../outbox/outbox-relay.js';

export interface RunningMessaging {
  app: NestExpressApplication;
  infra: MessagingInfrastructure;
  url: string;
  port: number;
  outbox: OutboxRelay;
  close(): Promise<void>;
}

/** Builds, wires and starts the service; used by main.ts, the tests and the benchmarks alike. */
export async function startMessaging(
  config: MessagingConfig,
  logger: Logger = createLogger({ service: 'messaging', level: config.logLevel }),
): Promise<RunningMessaging> {
  const infra = await buildInfrastructure(config, logger);
  let app: NestExpressApplication;
  try {
    app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(infra), {
      logger: new PinoNestLogger(logger),
      bodyParser: false,
      abortOnError: false,
    });
  } catch (err) {
    await infra.close();
    throw err;
  }
  app.useBodyParser('json', { limit: MessagingLimits.maxRequestBodyBytes });
  app.useBodyParser('urlencoded', { limit: MessagingLimits.maxRequestBodyBytes, extended: false });
  app.useGlobalFilters(new HttpExceptionFilter(logger));
  app.enableCors({ origin: true, credentials: false });
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  await app.init();
  // Body-parser failures (bad JSON, oversize bodies) happen before Nest routes; answer them in our format.
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const mapped = mapErrorToHttp(err);
    if (!mapped) return next(err);
    res.status(mapped.status).json(mapped.body);
  });
  await app.listen(config.http.port, config.http.host);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  logger.info({ url, port }, 'messaging listening');
  let closed = false;
  return {
    app,
    infra,
    url,
    port,
    outbox: app.get(OutboxRelay),
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await infra.close();
    },
  };
}
