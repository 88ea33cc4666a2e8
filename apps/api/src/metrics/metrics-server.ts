import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CONFIG, type Config } from '@fristvagt/config';
import { LOGGER, type Logger } from '@fristvagt/logging';
import { METRICS, type Metrics } from '@fristvagt/metrics';
import { problem, PROBLEM_CONTENT_TYPE } from '../problems/problem';
import { isForwarded, metricsAccess } from './metrics-access';

/** The metrics port could not listen; the message names METRICS_PORT (or HOST). */
export class MetricsListenError extends Error {
  readonly code = 'listen-failed';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MetricsListenError';
  }
}

/**
 * With METRICS_PORT set, a listener of its own on HOST:METRICS_PORT that serves GET /metrics and nothing
 * else, for every role: Prometheus scrapes it on a network the API's clients do not reach. Plain node:http,
 * no framework: it has one route, and a scrape should not wait behind the API's work any more than it must.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Where it listens, e.g. `http://127.0.0.1:9464`; undefined without METRICS_PORT. */
  url(): string | undefined {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (address === undefined || address === null) return undefined;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.metrics.port;
    if (port === undefined) return;
    const server = createServer((request, response) => void this.answer(request, response));
    server.keepAliveTimeout = 65_000;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, this.config.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const variable = code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' ? 'HOST' : 'METRICS_PORT';
      throw new MetricsListenError(
        `${variable}: cannot listen for metrics on ${this.config.host}:${port} (${code ?? String(error)})`,
        { cause: error },
      );
    }
    this.server = server;
    this.logger.info({ url: this.url() }, `metrics on ${this.url()}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics') return this.problem(response, 404, 'not-found', 'Only /metrics is served here.');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return this.problem(response, 405, 'method-not-allowed', 'Use GET /metrics.');
    }
    const access = metricsAccess(this.config.metrics.token, 'metrics-port', {
      authorization: request.headers.authorization,
      remoteAddress: request.socket.remoteAddress,
      forwarded: isForwarded(request.headers),
    });
    if (!access.allowed) {
      response.setHeader('WWW-Authenticate', 'Bearer');
      return this.problem(response, 401, access.code, access.detail);
    }
    try {
      const text = await this.metrics.text();
      response.writeHead(200, { 'Content-Type': this.metrics.contentType, 'Cache-Control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : text);
    } catch (error) {
      this.logger.error({ err: error }, 'metrics could not be collected');
      this.problem(response, 500, 'internal-error', 'The metrics could not be collected.');
    }
  }

  private problem(response: ServerResponse, status: number, code: string, detail: string): void {
    response.writeHead(status, { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Cache-Control': 'no-store' });
    response.end(JSON.stringify(problem({ status, code, detail })));
  }
}
