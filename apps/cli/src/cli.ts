import {
  danishPublicHolidays,
  DK_YOUTH_PACK,
  dueFor as computeRuleDue,
  findRulePack,
  parseCpr,
  RULE_IDS,
  RULE_PACKS,
  type RuleDue,
  type RulePack,
} from '@fristvagt/domain';
import { KEYS_USAGE, runKeys } from './keys';
import { PROJECTIONS_USAGE, runProjections } from './projections';
import { runVerify, VERIFY_USAGE } from './verify';

export interface CliIo {
  readStdin(): Promise<string>;
  stdout(text: string): void;
  stderr(text: string): void;
  /** The environment the `keys` commands choose their store from. Default: process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

export const USAGE = `Usage:
  fristvagt due <RULE_ID> --from <ISO instant> [--municipality <code>] [--birth-date <YYYY-MM-DD>]
                 [--pack-version <version>]   (default: the current pack)
  fristvagt holidays <year>
  fristvagt birthdate            (reads a CPR number from STDIN)
${KEYS_USAGE}
${PROJECTIONS_USAGE}
${VERIFY_USAGE}`;

class UsageError extends Error {}

/** `--name value` pairs after the positional arguments; unknown or valueless options are usage errors. */
export function parseOptions(args: readonly string[], allowed: readonly string[]): Record<string, string> {
  const options: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i];
    const value = args[i + 1];
    if (!name.startsWith('--') || !allowed.includes(name.slice(2)))
      throw new UsageError(`Unknown argument: ${name}`);
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
    options[name.slice(2)] = value;
  }
  return options;
}

export type DueOutput = RuleDue;

/** The due of one rule for a trigger at `from`; the domain's refusals become usage errors naming the options. */
export function dueFor(
  ruleId: string,
  from: string,
  municipality: string | null,
  birthDate: string | undefined,
  pack: RulePack = DK_YOUTH_PACK,
): DueOutput {
  const result = computeRuleDue({ ruleId, from, municipality, birthDate }, pack);
  if (result.ok) return result.value;
  switch (result.error.code) {
    case 'unknown-rule':
      throw new UsageError(`Unknown rule id: ${ruleId} (known: ${RULE_IDS.join(', ')})`);
    case 'invalid-instant':
      throw new UsageError('--from must be an ISO-8601 UTC instant, e.g. 2025-03-25T10:00:00Z');
    case 'invalid-municipality':
      throw new UsageError('--municipality must be three digits');
    case 'invalid-date':
      throw new UsageError('--birth-date must be YYYY-MM-DD');
    case 'birth-date-required':
      throw new UsageError(`${ruleId} needs --birth-date`);
    default:
      throw new UsageError(result.error.message);
  }
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Runs the CLI; returns the exit code (0 ok, 2 bad input). A CPR number is never echoed. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'due': {
        const [ruleId, ...options] = rest;
        if (ruleId === undefined || ruleId.startsWith('--')) throw new UsageError('due needs a RULE_ID');
        const parsed = parseOptions(options, ['from', 'municipality', 'birth-date', 'pack-version']);
        if (parsed.from === undefined) throw new UsageError('due needs --from <ISO instant>');
        const pack = findRulePack(parsed['pack-version']);
        if (pack === undefined) {
          const known = RULE_PACKS.map((p) => p.version).join(', ');
          throw new UsageError(`Unknown --pack-version ${parsed['pack-version']} (known: ${known})`);
        }
        io.stdout(json(dueFor(ruleId, parsed.from, parsed.municipality ?? null, parsed['birth-date'], pack)));
        return 0;
      }
      case 'holidays': {
        const year = Number(rest[0]);
        if (rest.length !== 1 || !Number.isInteger(year) || year < 1900 || year > 2100) {
          throw new UsageError('holidays needs a year between 1900 and 2100');
        }
        io.stdout(json(danishPublicHolidays(year)));
        return 0;
      }
      case 'birthdate': {
        if (rest.length > 0)
          throw new UsageError('birthdate takes no arguments: pipe the CPR number to STDIN');
        const parsed = parseCpr((await io.readStdin()).trim());
        if (!parsed.ok) {
          io.stdout(json({ code: parsed.error.code, message: parsed.error.message }));
          return 2;
        }
        io.stdout(json({ birthDate: parsed.value.birthDate }));
        return 0;
      }
      case 'keys':
        return await runKeys(rest, { stdout: io.stdout, stderr: io.stderr, env: io.env ?? process.env });
      case 'projections':
        return await runProjections(rest, {
          stdout: io.stdout,
          stderr: io.stderr,
          env: io.env ?? process.env,
        });
      case 'verify':
        return await runVerify(rest, { stdout: io.stdout, stderr: io.stderr, env: io.env ?? process.env });
      default:
        throw new UsageError(command === undefined ? 'No command given' : `Unknown command: ${command}`);
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
}
