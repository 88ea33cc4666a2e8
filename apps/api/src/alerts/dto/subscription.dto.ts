import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ALERT_KINDS, type AlertChannel, type AlertKind } from '@fristvagt/alerts';
import { RULE_IDS } from '@fristvagt/domain';
import { ReadModelStatusView } from '../../http/read-models';
import { CHANNEL_KINDS } from './subscription-request.dto';

export class ChannelView {
  @ApiProperty({ enum: CHANNEL_KINDS, example: 'webhook' })
  kind!: AlertChannel['kind'];
  @ApiPropertyOptional({ description: 'Webhooks.', example: 'https://tilsyn.aarhus.dk/hooks/fristvagt' })
  url?: string;
  @ApiPropertyOptional({ description: 'E-mail.', example: 'tilsyn@aarhus.dk' })
  address?: string;
}

/** A subscription as every read shows it: never its signing secret. */
export class AlertSubscriptionDto {
  @ApiProperty({ format: 'uuid', example: '3f1b2c4d-5e6f-5a7b-8c9d-0e1f2a3b4c5d' })
  subscriptionId!: string;
  @ApiProperty({ example: '461' })
  municipality!: string;
  @ApiProperty({ type: ChannelView })
  channel!: ChannelView;
  @ApiProperty({
    enum: RULE_IDS,
    isArray: true,
    nullable: true,
    description: 'Only these rules; null: every rule.',
    example: null,
  })
  rules!: string[] | null;
  @ApiProperty({ enum: ALERT_KINDS, isArray: true, example: [...ALERT_KINDS] })
  kinds!: AlertKind[];
  @ApiProperty({ description: 'Also the daily digest.', example: false })
  digest!: boolean;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description:
      'Webhooks: the version of the current signing secret (1, then one more per rotation); null for e-mail.',
    example: 1,
  })
  secretVersion!: number | null;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description:
      'After a rotation: the version that signs alongside the current one until `previousSecretValidUntil`.',
    example: null,
  })
  previousSecretVersion!: number | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', example: null })
  previousSecretValidUntil!: string | null;
  @ApiProperty({ description: 'The id of the API key that created it.', example: 'k3x9q2' })
  createdBy!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-25T12:00:00.000Z' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-25T12:00:00.000Z' })
  updatedAt!: string;
}

/** The answer of a command on a subscription: the subscription as it now stands and where that is in the log. */
export class SubscriptionOutcomeDto extends AlertSubscriptionDto {
  @ApiProperty({
    description:
      'The position of the last event of the subscription this answer reflects; pass it as `minPosition` to `GET /v1/alerts/subscriptions` to read your write.',
    example: '7801234:55',
  })
  position!: string;
}

export class CreatedSubscriptionDto extends SubscriptionOutcomeDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Webhooks: the signing secret (Standard Webhooks, `whsec_` + base64). Shown here and by a retry of this ' +
      'request with the same Idempotency-Key only; no read shows it. Null for e-mail.',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  })
  secret!: string | null;
}

export class RotatedSecretDto {
  @ApiProperty({ format: 'uuid', example: '3f1b2c4d-5e6f-5a7b-8c9d-0e1f2a3b4c5d' })
  subscriptionId!: string;
  @ApiProperty({
    description: 'The new signing secret; shown here (and to a retry with the same Idempotency-Key) only.',
    example: 'whsec_Yd2l0aCBhIG5ldyBzZWNyZXQgZm9yIHRoZSB3ZWJob29r',
  })
  secret!: string;
  @ApiProperty({ type: 'integer', example: 2 })
  secretVersion!: number;
  @ApiProperty({ type: 'integer', example: 1 })
  previousSecretVersion!: number;
  @ApiProperty({
    format: 'date-time',
    description:
      'Until then every webhook carries a signature with each secret; afterwards only with the new one.',
    example: '2026-03-26T12:00:00.000Z',
  })
  previousSecretValidUntil!: string;
  @ApiProperty({ example: '7801240:3' })
  position!: string;
}

export class AlertSubscriptionListDto {
  @ApiProperty({
    type: [AlertSubscriptionDto],
    description: 'Oldest first; removed subscriptions are left out.',
  })
  items!: AlertSubscriptionDto[];
  @ApiProperty({ type: ReadModelStatusView })
  readModel!: ReadModelStatusView;
}
