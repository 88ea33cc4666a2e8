import { applyDecorators, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiServiceUnavailableResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Roles, type ApiRole } from '../access/principal';
import { CommandOutcome } from './dto/outcome.dto';

/**
 * One command endpoint: POST, the roles that may send it, and its OpenAPI description with the headers
 * and problem responses every command shares.
 */
export function CommandEndpoint(
  path: string,
  summary: string,
  description: string,
  roles: ApiRole[] = ['integration', 'admin'],
) {
  return applyDecorators(
    Post(path),
    Roles(...roles),
    ApiBearerAuth('api-key'),
    ApiOperation({ summary, description: `${description}\n\nRoles: ${roles.join(', ')}.` }),
    ApiHeader({
      name: 'Idempotency-Key',
      required: true,
      description:
        'Any unique string per intended request (a UUID is fine). Send the same key when you retry: the ' +
        'original response comes back and nothing is recorded twice.',
      example: '5b6f0f7e-3f4b-4c89-9d27-6a9f1b3c2e10',
    }),
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: 'The case revision you last saw (the ETag). If the case has changed since, 412.',
      example: '"3"',
    }),
    ApiCreatedResponse({
      type: CommandOutcome,
      description: 'Recorded (or replayed: header Idempotent-Replayed).',
    }),
    ApiBadRequestResponse({ description: 'Invalid input (problem+json with `code` and `field`).' }),
    ApiUnauthorizedResponse({ description: 'Missing or unknown API key.' }),
    ApiForbiddenResponse({ description: 'The role may not send this command.' }),
    ApiNotFoundResponse({ description: "No such case within the key's municipalities." }),
    ApiConflictResponse({
      description:
        'Refused by the state of the case (e.g. `duplicate-id`), or `stream-revision-conflict` when other ' +
        'processes kept writing to the case for 5 s.',
    }),
    ApiPreconditionFailedResponse({ description: 'If-Match does not match the current revision.' }),
    ApiUnprocessableEntityResponse({
      description: 'Refused by the rules (e.g. `aftercare-window-closed`), or `idempotency-key-reused`.',
    }),
    ApiServiceUnavailableResponse({
      description:
        '`case-busy` (with Retry-After): the commands before this one on the same case did not finish within ' +
        '10 s; nothing was recorded, retry with the same Idempotency-Key.',
    }),
  );
}
