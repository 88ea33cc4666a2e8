import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { LimitParam } from '../../http/query-params';
import { IsOneOf } from '../../http/validators';

export class ChainBreakView {
  @ApiProperty({ description: 'The stream (a case is `case-<caseId>`).' })
  stream!: string;
  @ApiProperty({ description: 'Revision of the first broken link (for a deletion: the missing revision).' })
  revision!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The event found at (for a deletion: after) that revision; null for a checkpoint finding.',
  })
  eventId!: string | null;
  @ApiProperty({ enum: ['revision-missing', 'hash-missing', 'content', 'link', 'checkpoint'] })
  kind!: string;
  @ApiProperty({ description: 'What differs, in words.' })
  detail!: string;
}

export class CaseVerification {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;
  @ApiProperty({ description: 'True when every hash recomputed from the stored events matches.' })
  ok!: boolean;
  @ApiProperty({ description: 'Events checked.' })
  events!: number;
  @ApiProperty({ description: 'Events stored before hashing began (migration 3 of the event store).' })
  unhashed!: number;
  @ApiProperty({ type: [ChainBreakView], description: 'Empty, or the first broken link.' })
  breaks!: ChainBreakView[];
}

export class StreamHeadView {
  @ApiProperty()
  stream!: string;
  @ApiProperty({ description: 'The head revision sealed.' })
  revision!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Its chain hash (hex); null if stored unhashed.',
  })
  hash!: string | null;
}

export class CheckpointView {
  @ApiProperty({ enum: ['fristvagt-checkpoint/1'] })
  format!: string;
  @ApiProperty()
  id!: string;
  @ApiProperty({ format: 'date-time' })
  sealedAt!: string;
  @ApiProperty({ description: 'Merkle root over the leaves (hex, SHA-256).' })
  root!: string;
  @ApiProperty()
  streams!: number;
  @ApiProperty({ description: 'Sum over the streams of head revision + 1 (a decimal string).' })
  events!: string;
  @ApiProperty({ description: 'The Ed25519 public key that signed (SPKI PEM).' })
  publicKey!: string;
  @ApiProperty({ description: 'Ed25519 signature (base64) over the canonical JSON of the fields above.' })
  signature!: string;
  @ApiProperty({
    type: [StreamHeadView],
    description: 'The sealed stream heads, by stream name; empty when `leaves=false`.',
  })
  leaves!: StreamHeadView[];
}

export class CheckpointList {
  @ApiProperty({ type: [CheckpointView], description: 'Newest first.' })
  checkpoints!: CheckpointView[];
}

/** GET /v1/audit/checkpoints. */
export class CheckpointQueryDto {
  @LimitParam('Checkpoints')
  limit?: number;

  @ApiPropertyOptional({
    description:
      'Include each checkpoint’s leaves (every stream head it sealed), needed by `fristvagt verify --against`. ' +
      'Default true.',
    enum: ['true', 'false'],
  })
  @IsOptional()
  @IsOneOf('invalid-boolean', ['true', 'false'])
  leaves?: 'true' | 'false';
}
