import { ApiProperty } from '@nestjs/swagger';
import { parsePosition } from '@fristvagt/event-store';
import type { Logger } from '@fristvagt/logging';
import type { LiveTables } from '@fristvagt/projections';
import { inScope, municipalityOutOfScope, type Principal, viaOf } from '../access/principal';
import { DEFAULT_WAIT_MS } from './query-params';

// What every query of a read model does alike: scope, read-your-writes, and the auditors' trail.

/** How far the read model that answered has read the global log. */
export class ReadModelStatusView {
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'The position of the last event the answer reflects (commit:prepare, comparable with a command’s `position`); null before the first event.',
    example: '7801234:55',
  })
  checkpoint!: string | null;
  @ApiProperty({
    description: 'The read model generation that answered; it changes when a rebuild takes over.',
    example: 1,
  })
  generation!: number;
  @ApiProperty({
    type: Boolean,
    nullable: true,
    description:
      'Whether `minPosition` was reached within `wait`; null when no minPosition was given. When false the answer is still 200, with the header Fristvagt-Read-Model-Lag: behind.',
    example: true,
  })
  reached!: boolean | null;
}

/**
 * Where the read model stands, after waiting for `minPosition` when one is given. Read before the query it
 * accompanies, so the answer reflects at least this checkpoint.
 */
export async function readModelStatus(
  readModel: Pick<LiveTables, 'checkpoint' | 'waitFor'>,
  query: { readonly minPosition?: string; readonly wait?: number },
): Promise<ReadModelStatusView> {
  const position = query.minPosition === undefined ? undefined : parsePosition(query.minPosition);
  if (position === undefined) {
    const checkpoint = await readModel.checkpoint();
    return { checkpoint: checkpoint.token, generation: checkpoint.generation, reached: null };
  }
  const { checkpoint, reached } = await readModel.waitFor(position, query.wait ?? DEFAULT_WAIT_MS);
  return { checkpoint: checkpoint.token, generation: checkpoint.generation, reached };
}

/**
 * The municipalities a query reads: those asked for, or all of the principal's (null: every one). Asking for
 * one outside them is refused (403) rather than silently left out, as opening a case there is; `what` names
 * what was to be read, for the message.
 */
export function municipalitiesInScope(
  asked: readonly string[] | undefined,
  principal: Principal,
  what: string,
): readonly string[] | null {
  if (asked === undefined) return principal.municipalities === '*' ? null : principal.municipalities;
  const outside = asked.find((municipality) => !inScope(principal, municipality));
  if (outside !== undefined) {
    throw municipalityOutOfScope(
      'municipality',
      `This API key may not read ${what} of municipality ${outside}.`,
    );
  }
  return [...new Set(asked)];
}

/**
 * Auditors' reads are themselves audited (ARCHITECTURE.md, tenancy and access): which of `parameters` the
 * query was given, never their values.
 */
export function logAuditorRead(
  logger: Logger,
  principal: Principal,
  read: {
    readonly audit: string;
    readonly message: string;
    readonly parameters: readonly string[];
    readonly query: object;
    /** What was read, e.g. `{ caseId }`: ids only, never personal data. */
    readonly subject?: Readonly<Record<string, string>>;
  },
): void {
  if (principal.role !== 'auditor') return;
  const given = read.query as Readonly<Record<string, unknown>>;
  const parameters = read.parameters.filter((name) => given[name] !== undefined);
  logger.info(
    { audit: read.audit, keyId: principal.keyId, ...viaOf(principal), ...read.subject, parameters },
    read.message,
  );
}
