import {
  computeDue,
  danishPublicHolidays,
  DK_YOUTH_PACK,
  isInEffect,
  isUtcInstant,
  isValidLocalDate,
  localDateOf,
  parseCpr,
  resolveRules,
  RULE_IDS,
  type RulePack,
} from '@fristvagt/domain';

export interface CliIo {
  readStdin(): Promise<string>;
  stdout(text: string): void;
  stderr(text: string): void;
}

export const USAGE = `Usage:
  fristvagt due <RULE_ID> --from <ISO instant> [--municipality <code>] [--birth-date <YYYY-MM-DD>]
  fristvagt holidays <year>
  fristvagt birthdate            (reads a CPR number from STDIN)`;

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

export interface DueOutput {
  ruleId: string;
  variant: string;
  strictDueAt: string | null;
  rolledDueAt: string | null;
  localDueDate: string | null;
  basis: string;
  citation: string;
  citationVerified: boolean;
  rulePack: { id: string; version: string };
}

/** The due of one rule for a trigger at `from`, under the variant in effect on its local date. */
export function dueFor(
  ruleId: string,
  from: string,
  municipality: string | null,
  birthDate: string | undefined,
  pack: RulePack = DK_YOUTH_PACK,
): DueOutput {
  if (!(RULE_IDS as readonly string[]).includes(ruleId)) {
    throw new UsageError(`Unknown rule id: ${ruleId} (known: ${RULE_IDS.join(', ')})`);
  }
  if (!isUtcInstant(from))
    throw new UsageError('--from must be an ISO-8601 UTC instant, e.g. 2025-03-25T10:00:00Z');
  if (municipality !== null && !/^\d{3}$/.test(municipality))
    throw new UsageError('--municipality must be three digits');
  if (birthDate !== undefined && !isValidLocalDate(birthDate))
    throw new UsageError('--birth-date must be YYYY-MM-DD');
  const date = localDateOf(from);
  const rule = pack.rules.find((candidate) => candidate.ruleId === ruleId && isInEffect(candidate, date));
  if (rule === undefined)
    throw new UsageError(`${ruleId} is not in effect on ${date} in pack ${pack.id} ${pack.version}`);
  const needsBirthDate = rule.due.kind === 'months-before-birthday' || rule.due.kind === 'before-birthday';
  if (needsBirthDate && birthDate === undefined) throw new UsageError(`${ruleId} needs --birth-date`);
  const rules = resolveRules(pack, municipality);
  const due = computeDue(rule, rules, { triggerAt: from, birthDate, anchorDate: date, period: 1 });
  return {
    ruleId,
    variant: rule.variant,
    strictDueAt: due.strict?.dueAt ?? null,
    rolledDueAt: due.rolled?.dueAt ?? null,
    localDueDate: due.effective?.dueDate ?? null,
    basis: rule.basis,
    citation: rule.citation,
    citationVerified: rule.citationVerified,
    rulePack: rules.rulePack,
  };
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
        const parsed = parseOptions(options, ['from', 'municipality', 'birth-date']);
        if (parsed.from === undefined) throw new UsageError('due needs --from <ISO instant>');
        io.stdout(json(dueFor(ruleId, parsed.from, parsed.municipality ?? null, parsed['birth-date'])));
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
      default:
        throw new UsageError(command === undefined ? 'No command given' : `Unknown command: ${command}`);
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
}
