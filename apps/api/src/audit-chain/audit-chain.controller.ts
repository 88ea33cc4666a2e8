import { Controller, Get, HttpException, HttpStatus, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { caseStreamName } from '@fristvagt/case-commands';
import { EVENT_STORE, type EventStore, SqlEventStore, StreamNotFound } from '@fristvagt/event-store';
import { Inject } from '@nestjs/common';
import { CurrentPrincipal, inScope, type Principal, Roles } from '../access/principal';
import { caseNotFound } from '../cases/domain-problems';
import { CaseIdPipe } from '../cases/http';
import type { HttpResponse } from '../http/request';
import { API_KEY_SCHEME } from '../openapi';
import { ApiProblems } from '../problems/problem.dto';
import { CaseVerification, CheckpointList, CheckpointQueryDto, CheckpointView } from './dto/audit-chain.dto';
import { DEFAULT_LIMIT } from '../http/query-params';

/**
 * Tamper evidence (issue 13, point 3): a case's hash chain recomputed from its stored events, and the sealed,
 * signed checkpoints for export to `fristvagt verify --against`. Auditors and admins; read only.
 */
@ApiTags('audit')
@ApiBearerAuth(API_KEY_SCHEME)
@Roles('auditor', 'admin')
@Controller()
export class AuditChainController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get('v1/cases/:caseId/verify')
  @ApiOperation({
    summary: 'Check a case’s hash chain and name its first broken link',
    description:
      'Recomputes every event’s content hash and chain link from the stored events, in order, and names the first ' +
      'that differs: a missing revision (a deletion), content that does not give its hash (an edit), a chain ' +
      'hash that does not follow from the events before it (a reordering). A rewrite with recomputed hashes is ' +
      'caught only against an earlier checkpoint (`fristvagt verify --against`). Roles: auditor, admin.',
  })
  @ApiOkResponse({ type: CaseVerification })
  @ApiProblems({
    400: 'invalid-case-id, purpose-required, invalid-purpose, personal-data-in-purpose, unknown-field',
    401: 'unauthenticated, invalid-api-key',
    403: 'forbidden-role',
    404: 'case-not-found',
    501: 'not-supported',
  })
  async verifyCase(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<CaseVerification> {
    const store = this.sqlStore();
    const stream = caseStreamName(caseId);
    let first;
    try {
      [first] = await store.readStream(stream, { maxCount: 1 });
    } catch (error) {
      if (error instanceof StreamNotFound) throw caseNotFound();
      throw error;
    }
    // Scope from the stored event, even if it was tampered with: a break is reported, not hidden.
    const municipality = (first?.metadata as { municipality?: unknown } | undefined)?.municipality;
    if (typeof municipality !== 'string' || !inScope(principal, municipality)) throw caseNotFound();
    const report = await store.verifyChain({ stream });
    response.header('Cache-Control', 'no-store');
    return { caseId, ok: report.ok, events: report.events, unhashed: report.unhashed, breaks: report.breaks };
  }

  @Get('v1/audit/checkpoints')
  @ApiOperation({
    summary: 'Sealed checkpoints of the event log, for export',
    description:
      'Each checkpoint is a Merkle root over every stream’s head (name, revision, chain hash), signed with the ' +
      'deployment’s Ed25519 key, sealed every CHECKPOINT_INTERVAL (default hourly). Save one (with its leaves) ' +
      'as JSON and give it to `fristvagt verify --all --against <file>` later: a stream rewritten since, even ' +
      'with recomputed hashes, no longer gives the sealed head. Newest first. Roles: auditor, admin.',
  })
  @ApiOkResponse({ type: CheckpointList })
  @ApiProblems({
    400: 'out-of-range, invalid-boolean, purpose-required, invalid-purpose, personal-data-in-purpose, unknown-field, validation-failed',
    401: 'unauthenticated, invalid-api-key',
    403: 'forbidden-role',
    501: 'not-supported',
  })
  async checkpoints(
    @Query() query: CheckpointQueryDto,
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<CheckpointList> {
    const checkpoints = await this.sqlStore().listCheckpoints({
      limit: query.limit ?? DEFAULT_LIMIT,
      withLeaves: query.leaves !== 'false',
    });
    response.header('Cache-Control', 'no-store');
    return { checkpoints: checkpoints as CheckpointView[] };
  }

  private sqlStore(): SqlEventStore {
    if (this.store instanceof SqlEventStore) return this.store;
    throw new HttpException(
      {
        code: 'not-supported',
        detail: 'Hash-chain verification and checkpoints need the PostgreSQL or PGlite event store.',
      },
      HttpStatus.NOT_IMPLEMENTED,
    );
  }
}
