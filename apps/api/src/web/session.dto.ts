import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsString, MaxLength } from 'class-validator';
import { API_ROLES, type ApiRole } from '../access/principal';
import type { SessionView } from './sessions';

/** The body of `POST /v1/session`. */
export class SignInDto {
  @ApiProperty({
    description:
      'A supervisor, auditor or admin API key. It is exchanged for the session cookie and neither stored, ' +
      'logged nor sent back.',
    example: 'fv_Ab3dEf6hIj9k_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG',
    maxLength: 200,
  })
  @IsDefined()
  @IsString()
  @MaxLength(200)
  apiKey!: string;
}

/** A live session, as the page sees it. */
export class SessionDto implements SessionView {
  @ApiProperty({
    description: 'The id of the API key the session was signed in with.',
    example: 'Ab3dEf6hIj9k',
  })
  keyId!: string;

  @ApiProperty({
    enum: API_ROLES,
    description: 'The key’s role (never `integration`).',
    example: 'supervisor',
  })
  role!: ApiRole;

  @ApiProperty({
    oneOf: [
      { type: 'array', items: { type: 'string', pattern: '^\\d{3}$' } },
      { type: 'string', enum: ['*'] },
    ],
    description: 'The key’s kommunekoder, or `"*"` for every municipality.',
    example: ['461'],
  })
  municipalities!: readonly string[] | '*';

  @ApiProperty({
    description:
      'Send it as `X-CSRF-Token` with every call made with the cookie that changes something (any method but ' +
      'GET, HEAD, OPTIONS), signing out included. The same for the whole session.',
    example: 'mQ0sE3Yc2bqvS6Vb8r2r0JcN5mZC2yJ2u8yV3cQq7xE',
  })
  csrfToken!: string;

  @ApiProperty({
    description: 'When the session ends at the latest (sign-in plus SESSION_MAX_AGE), ISO-8601 UTC.',
    example: '2026-03-25T20:00:00.000Z',
  })
  expiresAt!: string;

  @ApiProperty({
    description:
      'When the session ends unless it is used before (its last use plus SESSION_IDLE_TIMEOUT, to the minute); ' +
      'never after expiresAt.',
    example: '2026-03-25T12:30:00.000Z',
  })
  idleExpiresAt!: string;
}
