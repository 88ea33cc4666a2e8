import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { DELIVERY_STATUSES, type DeliveryStatus } from '@fristvagt/alerts';
import {
  CursorParam,
  LimitParam,
  ListParam,
  MinPositionParam,
  MunicipalityParam,
  NextPageProperty,
  WaitParam,
} from '../../http/query-params';
import { ReadModelStatusView } from '../../http/read-models';
import { IsPosition, IsUuid } from '../../http/validators';
import { decodeDeliveryCursor } from '../delivery-cursor';
import { CHANNEL_KINDS } from './subscription-request.dto';
import { DELIVERY_KINDS, IsDeliveryKind, IsDeliveryStatus } from './validators';

/** The message of a refused position, which may come from a command response or an event of the stream. */
const FROM_FRISTVAGT = 'a position from Fristvagt';

/** Read-your-writes on a read model, as on GET /v1/obligations. */
export class ReadModelQueryDto {
  @MinPositionParam(FROM_FRISTVAGT)
  minPosition?: string;

  @WaitParam()
  wait?: number;
}

export class SubscriptionsQueryDto extends ReadModelQueryDto {
  @MunicipalityParam()
  municipality?: string[];
}

export class DeliveriesQueryDto extends ReadModelQueryDto {
  @ListParam(
    {
      description:
        '`pending` (not yet delivered, or being retried), `delivered`, `failed` (given up; admins were told). Repeat or separate with commas. Default: all.',
      enum: DELIVERY_STATUSES,
      isArray: true,
      example: ['failed'],
    },
    IsDeliveryStatus,
  )
  status?: DeliveryStatus[];

  @ApiPropertyOptional({
    description: "One subscription's deliveries.",
    format: 'uuid',
    example: '3f1b2c4d-5e6f-5a7b-8c9d-0e1f2a3b4c5d',
  })
  @IsOptional()
  @IsUuid('invalid-subscription-id')
  subscriptionId?: string;

  @ApiPropertyOptional({
    description: "One case's deliveries.",
    format: 'uuid',
    example: '0b6f3c1e-9f4a-5d2b-8c1e-2a7d4e6f8a90',
  })
  @IsOptional()
  @IsUuid('invalid-case-id')
  caseId?: string;

  @ListParam(
    {
      description:
        'Alert kinds to include (`digest` for the daily digests); repeat or separate with commas. Default: all.',
      enum: DELIVERY_KINDS,
      isArray: true,
      example: ['breached'],
    },
    IsDeliveryKind,
  )
  kind?: string[];

  @LimitParam('Deliveries')
  limit?: number;

  @CursorParam(
    decodeDeliveryCursor,
    'eyJjcmVhdGVkQXQiOiIyMDI2LTAzLTI1VDEyOjAwOjAxLjIwNDUxMloiLCJkZWxpdmVyeUlkIjoiOWMxZDJlM2YtNGE1Yi01YzZkLThlN2YtMGExYjJjM2Q0ZTVmIn0',
  )
  cursor?: string;
}

export class AlertStreamQueryDto {
  @ApiPropertyOptional({
    description:
      'Resume right after this event (the `id:` of the last event received), for a first connection that kept the id from an earlier one. The `Last-Event-ID` header, which a reconnecting EventSource sends, takes precedence.',
    example: '7801234:55',
  })
  @IsOptional()
  @IsPosition(FROM_FRISTVAGT)
  lastEventId?: string;
}

/** One alert owed to one subscription, and what became of it. No personal data: a case is its id. */
export class AlertDeliveryDto {
  @ApiProperty({
    format: 'uuid',
    description: "Also the alert's `alertId`, by which receivers de-duplicate.",
    example: '9c1d2e3f-4a5b-5c6d-8e7f-0a1b2c3d4e5f',
  })
  deliveryId!: string;
  @ApiProperty({ format: 'uuid', example: '3f1b2c4d-5e6f-5a7b-8c9d-0e1f2a3b4c5d' })
  subscriptionId!: string;
  @ApiProperty({ example: '461' })
  municipality!: string;
  @ApiProperty({ enum: DELIVERY_KINDS, example: 'breached' })
  kind!: string;
  @ApiProperty({ enum: CHANNEL_KINDS, example: 'webhook' })
  channel!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uuid',
    example: '0b6f3c1e-9f4a-5d2b-8c1e-2a7d4e6f8a90',
  })
  caseId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'NSR-CONVENE:documentation:pol-2026-0042' })
  obligationId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'NSR-CONVENE' })
  ruleId!: string | null;
  @ApiProperty({ enum: DELIVERY_STATUSES, example: 'delivered' })
  status!: DeliveryStatus;
  @ApiProperty({ type: 'integer', description: 'Attempts so far, over every resend.', example: 1 })
  attempts!: number;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: "The receiver's HTTP status at the last attempt (webhooks).",
    example: 204,
  })
  lastStatus!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why the last attempt failed.', example: null })
  lastError!: string | null;
  @ApiProperty({
    format: 'date-time',
    description: 'When the alert was owed.',
    example: '2026-03-25T12:00:01.204Z',
  })
  createdAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', example: '2026-03-25T12:00:01.391Z' })
  lastAttemptAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', example: '2026-03-25T12:00:01.391Z' })
  deliveredAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', example: null })
  failedAt!: string | null;
  @ApiProperty({
    type: 'integer',
    description: 'How often an admin asked for it to be sent again.',
    example: 0,
  })
  resends!: number;
}

export class AlertDeliveryPageDto {
  @ApiProperty({ type: [AlertDeliveryDto], description: 'Newest first.' })
  items!: AlertDeliveryDto[];
  @NextPageProperty()
  next!: string | null;
  @ApiProperty({ type: ReadModelStatusView })
  readModel!: ReadModelStatusView;
}

export class ResendAcceptedDto {
  @ApiProperty({ format: 'uuid', example: '9c1d2e3f-4a5b-5c6d-8e7f-0a1b2c3d4e5f' })
  deliveryId!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-25T12:05:00.000Z' })
  requestedAt!: string;
  @ApiProperty({
    description:
      'The position of the AlertResendRequested event; pass it as `minPosition` to see the delivery pending again.',
    example: '7801290:1',
  })
  position!: string;
}
