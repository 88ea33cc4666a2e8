import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../access/principal';
import { type CommandExchange, Exchange } from '../cases/http';
import { correlationId } from '../http/request';
import { READ_MODEL_LAG_HEADER } from '../obligations/obligations.controller';
import { API_KEY_SCHEME } from '../openapi';
import { ApiProblems } from '../problems/problem.dto';
import { GetDelivery, ListDeliveries } from './alert-queries';
import { RequestResend } from './delivery-commands';
import {
  AlertDeliveryDto,
  AlertDeliveryPageDto,
  DeliveriesQueryDto,
  ResendAcceptedDto,
} from './dto/alert-queries.dto';
import { ApiIdempotencyKey, deliveryIdPipe, REPLAYED_HEADER_DOC } from './http';
import { AlertCommandRequests } from './idempotency';

const UNAUTHORIZED = 'unauthenticated, invalid-api-key';
const NOT_READY = { 503: 'read-model-not-ready (with Retry-After)' };

/**
 * What became of every alert owed: pending, delivered or failed, with the last attempt's outcome. From the
 * alerts read model, within the key's municipalities; admins may ask for a delivery to be sent again.
 */
@ApiTags('alerts')
@ApiBearerAuth(API_KEY_SCHEME)
@Roles('supervisor', 'admin', 'auditor')
@Controller('v1/alerts/deliveries')
export class DeliveriesController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    private readonly requests: AlertCommandRequests,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Alert deliveries, newest first',
    description:
      "Within the API key's municipalities; filtered by status, subscription, case and kind; paged with `limit` " +
      'and the opaque `cursor` (`next` of the previous page). Auditors’ reads are logged.\n\nRoles: supervisor, admin, auditor.',
  })
  @ApiOkResponse({
    type: AlertDeliveryPageDto,
    headers: {
      [READ_MODEL_LAG_HEADER]: {
        description: '`behind` when `minPosition` was not reached within `wait`.',
        schema: { type: 'string', enum: ['behind'] },
      },
    },
  })
  @ApiProblems({
    400:
      'invalid-status, invalid-subscription-id, invalid-case-id, unknown-kind, invalid-cursor, invalid-position, ' +
      'invalid-type, out-of-range, too-many-items, unknown-field, validation-failed',
    401: UNAUTHORIZED,
    403: 'forbidden-role',
    ...NOT_READY,
  })
  async list(
    @Exchange() exchange: CommandExchange,
    @Query() query: DeliveriesQueryDto,
  ): Promise<AlertDeliveryPageDto> {
    const page = await this.queryBus.execute(new ListDeliveries(query, exchange.principal));
    exchange.response.header('Cache-Control', 'no-store');
    if (page.readModel.reached === false) exchange.response.header(READ_MODEL_LAG_HEADER, 'behind');
    return page;
  }

  @Get(':deliveryId')
  @ApiOperation({
    summary: 'One alert delivery',
    description: 'Roles: supervisor, admin, auditor.',
  })
  @ApiOkResponse({ type: AlertDeliveryDto })
  @ApiProblems({
    400: 'invalid-delivery-id',
    401: UNAUTHORIZED,
    403: 'forbidden-role',
    404: 'delivery-not-found',
    ...NOT_READY,
  })
  get(
    @Exchange() exchange: CommandExchange,
    @Param('deliveryId', deliveryIdPipe) deliveryId: string,
  ): Promise<AlertDeliveryDto> {
    exchange.response.header('Cache-Control', 'no-store');
    return this.queryBus.execute(new GetDelivery(deliveryId, exchange.principal));
  }

  @Post(':deliveryId/resend')
  @Roles('admin')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Send a delivery again',
    description:
      'Whatever became of it: it is pending again and the worker sends it (with the same `alertId`, so receivers ' +
      'that had it can de-duplicate). Recorded as AlertResendRequested.\n\nRoles: admin.',
  })
  @ApiIdempotencyKey()
  @ApiAcceptedResponse({ type: ResendAcceptedDto, headers: REPLAYED_HEADER_DOC })
  @ApiProblems({
    400: 'invalid-delivery-id, idempotency-key-required, invalid-idempotency-key',
    401: UNAUTHORIZED,
    403: 'forbidden-role',
    404: 'delivery-not-found',
    409: 'stream-revision-conflict',
    422: 'idempotency-key-reused',
    ...NOT_READY,
  })
  async resend(
    @Exchange() exchange: CommandExchange,
    @Param('deliveryId', deliveryIdPipe) deliveryId: string,
  ): Promise<ResendAcceptedDto> {
    const { request, principal } = exchange;
    const result = await this.commandBus.execute(
      new RequestResend(
        deliveryId,
        principal,
        this.requests.idempotency(request, principal),
        correlationId(request),
      ),
    );
    if (result.replayed) exchange.response.header('Idempotent-Replayed', 'true');
    return result.accepted;
  }
}
