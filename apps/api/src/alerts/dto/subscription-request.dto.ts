import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ALERT_KINDS, type AlertKind } from '@fristvagt/alerts';
import { RULE_IDS, type RuleId } from '@fristvagt/domain';
import { HasNoCprNumber, IsKommunekode } from '../../cases/dto/validators';
import { InRange, IsRuleId } from '../../http/validators';
import { IsAlertKind, IsEmailAddress, MAX_EMAIL_LENGTH, OnlyForKind } from './validators';

export const CHANNEL_KINDS = ['webhook', 'email'] as const;
export const DEFAULT_OVERLAP_HOURS = 24;
export const MAX_OVERLAP_HOURS = 168;

/** A field that may be left out, but not sent as null. */
const Given = (field: string) => ValidateIf((object: Record<string, unknown>) => object[field] !== undefined);

/** Where alerts go: a webhook (signed POSTs, see docs/alerts.md) or an e-mail address. */
export class ChannelDto {
  @ApiProperty({ enum: CHANNEL_KINDS, example: 'webhook' })
  @IsDefined()
  @IsIn(CHANNEL_KINDS)
  kind!: (typeof CHANNEL_KINDS)[number];

  @ApiPropertyOptional({
    description:
      'Webhook only, and required there: an absolute https:// URL (http:// only where ALERT_ALLOW_HTTP is on), ' +
      'without user name, password or fragment, at most 2048 characters. Loopback, private, link-local and ' +
      'metadata addresses are refused unless ALERT_ALLOWED_NETWORKS admits them.',
    example: 'https://tilsyn.aarhus.dk/hooks/fristvagt',
    maxLength: 2048,
  })
  @ValidateIf((channel: ChannelDto) => channel.kind === 'webhook' || channel.url !== undefined)
  @HasNoCprNumber()
  @IsString()
  @IsDefined()
  @OnlyForKind('webhook')
  url?: string;

  @ApiPropertyOptional({
    description:
      'E-mail only, and required there: where the alerts are mailed. Needs SMTP_URL on the server.',
    example: 'tilsyn@aarhus.dk',
    maxLength: MAX_EMAIL_LENGTH,
  })
  @ValidateIf((channel: ChannelDto) => channel.kind === 'email' || channel.address !== undefined)
  @HasNoCprNumber()
  @IsEmailAddress()
  @IsString()
  @IsDefined()
  @OnlyForKind('email')
  address?: string;
}

const CHANNEL_DOC = {
  type: ChannelDto,
  description: '`{"kind": "webhook", "url": "https://..."}` or `{"kind": "email", "address": "..."}`.',
  example: { kind: 'webhook', url: 'https://tilsyn.aarhus.dk/hooks/fristvagt' },
};

const RULES_DOC = {
  description:
    'Only obligations of these rules (`GET /v1/rules`); null or left out: every rule. In a change, null means every rule again.',
  enum: RULE_IDS,
  isArray: true,
  nullable: true,
  example: ['NSR-CONVENE', 'NSR-HOLD'],
};

const KINDS_DOC = {
  description:
    '`due-soon`: the warning before a due; `breached`: the due passed with the obligation open; `fulfilled-late`: ' +
    'done, but after its due.',
  enum: ALERT_KINDS,
  isArray: true,
  example: ['breached'],
};

const DIGEST_DOC = {
  description:
    'Also a daily digest (at DIGEST_AT, Copenhagen time): what falls due in the next 7 days and what was breached since the last one.',
  example: false,
};

export class CreateSubscriptionDto {
  @ApiProperty({
    description: 'Kommunekode whose cases this subscription hears about; within the API key.',
    example: '461',
  })
  @IsDefined()
  @IsKommunekode()
  municipality!: string;

  @ApiProperty(CHANNEL_DOC)
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ChannelDto)
  channel!: ChannelDto;

  @ApiPropertyOptional({ ...RULES_DOC, default: null })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(RULE_IDS.length)
  @IsRuleId({ each: true })
  rules?: RuleId[] | null;

  @ApiPropertyOptional({ ...KINDS_DOC, default: [...ALERT_KINDS] })
  @Given('kinds')
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ALERT_KINDS.length)
  @IsAlertKind({ each: true })
  kinds?: AlertKind[];

  @ApiPropertyOptional({ ...DIGEST_DOC, default: false })
  @Given('digest')
  @IsBoolean()
  digest?: boolean;
}

/** Only what is sent changes. The municipality and the channel's kind are fixed at creation. */
export class ChangeSubscriptionDto {
  @ApiPropertyOptional({
    ...CHANNEL_DOC,
    description: `${CHANNEL_DOC.description} Of the kind it was created with; a webhook keeps its secret.`,
  })
  @Given('channel')
  @IsObject()
  @ValidateNested()
  @Type(() => ChannelDto)
  channel?: ChannelDto;

  @ApiPropertyOptional(RULES_DOC)
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(RULE_IDS.length)
  @IsRuleId({ each: true })
  rules?: RuleId[] | null;

  @ApiPropertyOptional(KINDS_DOC)
  @Given('kinds')
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ALERT_KINDS.length)
  @IsAlertKind({ each: true })
  kinds?: AlertKind[];

  @ApiPropertyOptional(DIGEST_DOC)
  @Given('digest')
  @IsBoolean()
  digest?: boolean;
}

export class RotateSecretDto {
  @ApiPropertyOptional({
    description: `How long the previous secret still signs (alongside the new one), in hours, 0-${MAX_OVERLAP_HOURS}. 0 retires it at once (a leaked secret). Default ${DEFAULT_OVERLAP_HOURS}.`,
    type: 'integer',
    minimum: 0,
    maximum: MAX_OVERLAP_HOURS,
    default: DEFAULT_OVERLAP_HOURS,
    example: 24,
  })
  @Given('overlapHours')
  @IsInt()
  @InRange(0, MAX_OVERLAP_HOURS)
  overlapHours?: number;
}
