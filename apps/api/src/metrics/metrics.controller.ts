import { Controller, Get, Header, HttpException, HttpStatus, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CONFIG, type Config } from '@fristvagt/config';
import { METRICS, type Metrics } from '@fristvagt/metrics';
import { Public } from '../access/principal';
import { isForwarded, metricsAccess } from './metrics-access';

/** The part of the reply this controller sets. */
interface HeaderSettable {
  header(name: string, value: string): unknown;
}

/**
 * GET /metrics on the HTTP port, for every role: Prometheus text. Public to the API key guard; its own rule
 * (metrics-access.ts) lets in the METRICS_TOKEN bearer, or without a token the loopback address only.
 */
@Controller()
@Public()
export class MetricsController {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(METRICS) private readonly metrics: Metrics,
  ) {}

  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Cache-Control', 'no-store')
  async scrape(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: HeaderSettable,
  ): Promise<string> {
    const access = metricsAccess(this.config.metrics.token, 'http-port', {
      authorization: request.headers.authorization,
      remoteAddress: request.raw.socket.remoteAddress,
      forwarded: isForwarded(request.headers),
    });
    if (!access.allowed) {
      reply.header('WWW-Authenticate', 'Bearer');
      throw new HttpException({ code: access.code, detail: access.detail }, HttpStatus.UNAUTHORIZED);
    }
    reply.header('Content-Type', this.metrics.contentType);
    return this.metrics.text();
  }
}
