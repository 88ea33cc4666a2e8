import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ALERT_KINDS, type AlertChannel } from '@fristvagt/alerts';
import { Roles } from '../access/principal';
import { type CommandExchange, Exchange } from '../cases/http';
import { correlationId } from '../http/request';
import { READ_MODEL_LAG_HEADER } from '../obligations/obligations.controller';
import { API_KEY_SCHEME } from '../openapi';
import { ApiProblems } from '../problems/problem.dto';
import { GetSubscription, ListSubscriptions, subscriptionView } from './alert-queries';
import { SubscriptionsQueryDto } from './dto/alert-queries.dto';
import {
  ChangeSubscriptionDto,
  type ChannelDto,
  CreateSubscriptionDto,
  DEFAULT_OVERLAP_HOURS,
  RotateSecretDto,
} from './dto/subscription-request.dto';
import {
  AlertSubscriptionDto,
  AlertSubscriptionListDto,
  CreatedSubscriptionDto,
  RotatedSecretDto,
  SubscriptionOutcomeDto,
} from './dto/subscription.dto';
import { ApiIdempotencyKey, REPLAYED_HEADER_DOC, subscriptionIdPipe } from './http';
import { AlertCommandRequests, type IdempotencyMark } from './idempotency';
import type { SubscriptionCommand } from './subscription';
import { ExecuteSubscriptionCommand, type SubscriptionCommandResult } from './subscription-commands';

const CHANNEL_REFUSALS =
  'validation-failed, required, invalid-type, invalid-value, unknown-field, invalid-municipality, unknown-rule, ' +
  'unknown-kind, too-few-items, invalid-email, cpr-in-free-text, webhook-url-invalid, webhook-url-not-https, ' +
  'webhook-url-credentials, webhook-url-fragment, webhook-url-too-long, webhook-destination-refused, ' +
  'idempotency-key-required, invalid-idempotency-key';
const NOT_FOUND = { 404: 'subscription-not-found' };
const UNAUTHORIZED = 'unauthenticated, invalid-api-key';

/**
 * Alert subscriptions: who hears about which deadlines of a municipality, and how (webhook or e-mail).
 * Supervisors and admins only, within their municipalities; another municipality's subscription is not found.
 */
@ApiTags('alerts')
@ApiBearerAuth(API_KEY_SCHEME)
@Roles('supervisor', 'admin')
@Controller('v1/alerts/subscriptions')
export class SubscriptionsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    private readonly requests: AlertCommandRequests,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Subscribe to alerts',
    description:
      "Alerts about one municipality's obligations, over a webhook or by e-mail. For a webhook the answer " +
      'carries its signing `secret`, once: no read shows it again (a retry with the same Idempotency-Key does). ' +
      'The subscription id is derived from the API key and the Idempotency-Key, so a retry lands on the same ' +
      `subscription. \`kinds\` defaults to all of ${ALERT_KINDS.join(', ')}; \`rules\` to every rule. ` +
      'Webhook format and signatures: docs/alerts.md.\n\nRoles: supervisor, admin.',
  })
  @ApiIdempotencyKey()
  @ApiBody({
    type: CreateSubscriptionDto,
    examples: {
      webhook: {
        summary: 'Breaches of the network council rules, to a webhook',
        value: {
          municipality: '461',
          channel: { kind: 'webhook', url: 'https://tilsyn.aarhus.dk/hooks/fristvagt' },
          rules: ['NSR-CONVENE', 'NSR-HOLD'],
          kinds: ['breached'],
        },
      },
      email: {
        summary: 'Everything, and the daily digest, by e-mail',
        value: {
          municipality: '461',
          channel: { kind: 'email', address: 'tilsyn@aarhus.dk' },
          digest: true,
        },
      },
    },
  })
  @ApiCreatedResponse({
    type: CreatedSubscriptionDto,
    description: 'Created (or replayed).',
    headers: {
      Location: { description: 'The new subscription.', schema: { type: 'string' } },
      ...REPLAYED_HEADER_DOC,
    },
  })
  @ApiProblems({
    400: CHANNEL_REFUSALS,
    401: UNAUTHORIZED,
    403: 'forbidden-role, municipality-out-of-scope',
    422: 'channel-unavailable (e-mail without SMTP_URL), idempotency-key-reused',
  })
  async create(
    @Exchange() exchange: CommandExchange,
    @Body() body: CreateSubscriptionDto,
  ): Promise<CreatedSubscriptionDto> {
    const idempotency = this.requests.idempotency(exchange.request, exchange.principal);
    const subscriptionId = this.requests.subscriptionId(idempotency);
    const result = await this.execute(exchange, subscriptionId, idempotency, {
      type: 'CreateSubscription',
      data: {
        subscriptionId,
        municipality: body.municipality,
        channel: toChannel(body.channel),
        ruleIds: body.rules ?? null,
        kinds: body.kinds ?? [...ALERT_KINDS],
        digest: body.digest ?? false,
      },
    });
    exchange.response.status(HttpStatus.CREATED);
    exchange.response.header('Location', `/v1/alerts/subscriptions/${subscriptionId}`);
    return { ...outcome(result), secret: result.secret };
  }

  @Get()
  @ApiOperation({
    summary: "The subscriptions of the key's municipalities",
    description:
      'From the alerts read model, which follows the event log a moment behind the commands: pass a command’s ' +
      '`position` as `minPosition` to read your write. Oldest first; removed subscriptions are left out. ' +
      'Secrets are never shown.\n\nRoles: supervisor, admin.',
  })
  @ApiOkResponse({
    type: AlertSubscriptionListDto,
    headers: {
      [READ_MODEL_LAG_HEADER]: {
        description: '`behind` when `minPosition` was not reached within `wait`.',
        schema: { type: 'string', enum: ['behind'] },
      },
    },
  })
  @ApiProblems({
    400: 'invalid-municipality, invalid-position, invalid-type, out-of-range, unknown-field',
    401: UNAUTHORIZED,
    403: 'forbidden-role, municipality-out-of-scope',
    503: 'read-model-not-ready (with Retry-After)',
  })
  async list(
    @Exchange() exchange: CommandExchange,
    @Query() query: SubscriptionsQueryDto,
  ): Promise<AlertSubscriptionListDto> {
    const list = await this.queryBus.execute(new ListSubscriptions(query, exchange.principal));
    exchange.response.header('Cache-Control', 'no-store');
    if (list.readModel.reached === false) exchange.response.header(READ_MODEL_LAG_HEADER, 'behind');
    return list;
  }

  @Get(':subscriptionId')
  @ApiOperation({
    summary: 'One subscription',
    description:
      'Read from its own stream, so it reflects every command already answered. Never its secret.\n\nRoles: supervisor, admin.',
  })
  @ApiOkResponse({ type: AlertSubscriptionDto })
  @ApiProblems({ 400: 'invalid-subscription-id', 401: UNAUTHORIZED, 403: 'forbidden-role', ...NOT_FOUND })
  get(
    @Exchange() exchange: CommandExchange,
    @Param('subscriptionId', subscriptionIdPipe) subscriptionId: string,
  ): Promise<AlertSubscriptionDto> {
    exchange.response.header('Cache-Control', 'no-store');
    return this.queryBus.execute(new GetSubscription(subscriptionId, exchange.principal));
  }

  @Patch(':subscriptionId')
  @ApiOperation({
    summary: 'Change a subscription',
    description:
      'Only the fields sent change (channel, rules, kinds, digest), with the same checks as at creation. The ' +
      'channel keeps its kind: a webhook keeps its secret. Nothing different from what is there records ' +
      'nothing.\n\nRoles: supervisor, admin.',
  })
  @ApiIdempotencyKey()
  @ApiBody({
    type: ChangeSubscriptionDto,
    examples: {
      rules: {
        summary: 'Every rule again, warnings too',
        value: { rules: null, kinds: ['due-soon', 'breached'] },
      },
      url: {
        summary: 'A new receiver (the secret stays)',
        value: { channel: { kind: 'webhook', url: 'https://ny.aarhus.dk/hooks/fristvagt' } },
      },
    },
  })
  @ApiOkResponse({ type: SubscriptionOutcomeDto, headers: REPLAYED_HEADER_DOC })
  @ApiProblems({
    400: `${CHANNEL_REFUSALS}, invalid-subscription-id`,
    401: UNAUTHORIZED,
    403: 'forbidden-role',
    ...NOT_FOUND,
    409: 'channel-kind-immutable, stream-revision-conflict',
    422: 'channel-unavailable, idempotency-key-reused',
  })
  async change(
    @Exchange() exchange: CommandExchange,
    @Param('subscriptionId', subscriptionIdPipe) subscriptionId: string,
    @Body() body: ChangeSubscriptionDto,
  ): Promise<SubscriptionOutcomeDto> {
    const result = await this.execute(exchange, subscriptionId, this.idempotency(exchange), {
      type: 'ChangeSubscription',
      data: {
        ...(body.channel !== undefined && { channel: toChannel(body.channel) }),
        ...(body.rules !== undefined && { ruleIds: body.rules }),
        ...(body.kinds !== undefined && { kinds: body.kinds }),
        ...(body.digest !== undefined && { digest: body.digest }),
      },
    });
    return outcome(result);
  }

  @Delete(':subscriptionId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Remove a subscription',
    description:
      'No alert is owed to it from then on; deliveries not yet made fail ("the subscription was removed"). Its ' +
      'history stays in the log.\n\nRoles: supervisor, admin.',
  })
  @ApiIdempotencyKey()
  @ApiNoContentResponse({ description: 'Removed (or replayed).', headers: REPLAYED_HEADER_DOC })
  @ApiProblems({
    400: 'invalid-subscription-id, idempotency-key-required, invalid-idempotency-key',
    401: UNAUTHORIZED,
    403: 'forbidden-role',
    ...NOT_FOUND,
    409: 'stream-revision-conflict',
    422: 'idempotency-key-reused',
  })
  async remove(
    @Exchange() exchange: CommandExchange,
    @Param('subscriptionId', subscriptionIdPipe) subscriptionId: string,
  ): Promise<void> {
    await this.execute(exchange, subscriptionId, this.idempotency(exchange), { type: 'RemoveSubscription' });
  }

  @Post(':subscriptionId/secret-rotations')
  @ApiOperation({
    summary: "Rotate a webhook's signing secret",
    description:
      'A new secret, shown once. The previous one keeps signing alongside it for `overlapHours` (default ' +
      `${DEFAULT_OVERLAP_HOURS}), so the receiver can switch without losing an alert; 0 retires it at once.` +
      '\n\nRoles: supervisor, admin.',
  })
  @ApiIdempotencyKey()
  @ApiCreatedResponse({ type: RotatedSecretDto, headers: REPLAYED_HEADER_DOC })
  @ApiProblems({
    400: 'invalid-subscription-id, invalid-type, out-of-range, unknown-field, idempotency-key-required',
    401: UNAUTHORIZED,
    403: 'forbidden-role',
    ...NOT_FOUND,
    409: 'not-a-webhook, stream-revision-conflict',
    422: 'idempotency-key-reused',
  })
  async rotate(
    @Exchange() exchange: CommandExchange,
    @Param('subscriptionId', subscriptionIdPipe) subscriptionId: string,
    @Body() body: RotateSecretDto,
  ): Promise<RotatedSecretDto> {
    const overlapHours = body.overlapHours ?? DEFAULT_OVERLAP_HOURS;
    const result = await this.execute(exchange, subscriptionId, this.idempotency(exchange), {
      type: 'RotateWebhookSecret',
      data: { overlapMs: overlapHours * 3_600_000 },
    });
    const { subscription, secret, position } = result;
    exchange.response.status(HttpStatus.CREATED);
    return {
      subscriptionId,
      secret: secret!,
      secretVersion: subscription.secretVersion!,
      previousSecretVersion: subscription.previousVersion!,
      previousSecretValidUntil: subscription.previousValidUntil!,
      position,
    };
  }

  private async execute(
    exchange: CommandExchange,
    subscriptionId: string,
    idempotency: IdempotencyMark,
    command: SubscriptionCommand,
  ): Promise<SubscriptionCommandResult> {
    const result = await this.commandBus.execute(
      new ExecuteSubscriptionCommand({
        subscriptionId,
        command,
        principal: exchange.principal,
        idempotency,
        correlationId: correlationId(exchange.request),
      }),
    );
    if (result.replayed) exchange.response.header('Idempotent-Replayed', 'true');
    return result;
  }

  private idempotency(exchange: CommandExchange): IdempotencyMark {
    return this.requests.idempotency(exchange.request, exchange.principal);
  }
}

function toChannel(channel: ChannelDto): AlertChannel {
  return channel.kind === 'webhook'
    ? { kind: 'webhook', url: channel.url! }
    : { kind: 'email', address: channel.address! };
}

function outcome(result: SubscriptionCommandResult): SubscriptionOutcomeDto {
  return { ...subscriptionView(result.subscription), position: result.position };
}
