import type { ObligationOpened, RulePackRef } from '@fristvagt/domain';
import type { SqlTransaction } from '@fristvagt/event-store';
import type { TableNames } from './projection';

/** The texts of a rule as an ObligationOpened carries them; `rulePack` is `<id>@<version>`. */
export interface RuleText {
  readonly ruleId: string;
  readonly variant: string;
  readonly title: string;
  readonly basis: string;
  readonly citation: string;
  readonly rulePack: string;
}

/**
 * The texts the obligations of a rule share (a million obligations, a few dozen rules), stored once in
 * `rule_texts` and referred to by number from each obligation row. One table for every generation: a row
 * holds exactly what some event said and is never changed, so a generation reuses the rows an earlier one
 * wrote, and a switch-over has nothing to drop. A version of the projection that needs other columns names
 * another table.
 */
export function ruleTextsTable(t: TableNames): string {
  return `${t.obligations.slice(0, t.obligations.indexOf('.'))}.rule_texts`;
}

export const RULE_TEXTS_DDL = (table: string) => `
CREATE TABLE IF NOT EXISTS ${table} (
  rule_text integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rule_id   text    NOT NULL,
  variant   text    NOT NULL,
  title     text    NOT NULL,
  basis     text    NOT NULL,
  citation  text    NOT NULL,
  rule_pack text    NOT NULL
);
CREATE INDEX IF NOT EXISTS rule_texts_rule_id ON ${table} (rule_id);
`;

export interface RuleTextEntry {
  readonly text: RuleText;
  readonly pack: RulePackRef;
  /** The row's number in `rule_texts`, once resolved. */
  ref: number | null;
}

/** The distinct rule texts of one batch, by rule id, and the number each has in `rule_texts`. */
export class BatchRuleTexts {
  private readonly byRule = new Map<string, RuleTextEntry[]>();

  /** The batch's entry for the texts of `opened` (equal texts share one), whose `ref` `resolve` fills in. */
  of(opened: ObligationOpened['data']): RuleTextEntry {
    const entries = this.entries(opened.ruleId);
    const { variant, title, basis, citation, rulePack } = opened;
    for (const entry of entries) {
      const x = entry.text;
      if (
        x.title === title &&
        x.citation === citation &&
        x.variant === variant &&
        x.basis === basis &&
        entry.pack.id === rulePack.id &&
        entry.pack.version === rulePack.version
      )
        return entry;
    }
    const pack = `${rulePack.id}@${rulePack.version}`;
    const text = { ruleId: opened.ruleId, variant, title, basis, citation, rulePack: pack };
    const entry = { text, pack: rulePack, ref: null };
    entries.push(entry);
    return entry;
  }

  private entries(ruleId: string): RuleTextEntry[] {
    let entries = this.byRule.get(ruleId);
    if (entries === undefined) {
      entries = [];
      this.byRule.set(ruleId, entries);
    }
    return entries;
  }

  /** Finds (or adds) each text in `rule_texts`, in one statement. */
  async resolve(tx: SqlTransaction, t: TableNames): Promise<void> {
    const entries = [...this.byRule.values()].flat();
    if (entries.length === 0) return;
    const table = ruleTextsTable(t);
    const col = (pick: (text: RuleText) => string) => entries.map((entry) => pick(entry.text));
    // One leader writes at a time (the checkpoint's row lock); were two ever to add the same text, each
    // obligation would still refer to a row that holds it.
    const rows = await tx.query(
      `WITH wanted AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
           AS w(rule_id, variant, title, basis, citation, rule_pack)
       ), added AS (
         INSERT INTO ${table} (rule_id, variant, title, basis, citation, rule_pack)
         SELECT * FROM wanted w
          WHERE NOT EXISTS (SELECT FROM ${table} r WHERE ${SAME_TEXT})
         RETURNING rule_text, rule_id, variant, title, basis, citation, rule_pack
       )
       SELECT * FROM added
       UNION ALL
       SELECT r.rule_text, r.rule_id, r.variant, r.title, r.basis, r.citation, r.rule_pack
         FROM ${table} r JOIN wanted w ON ${SAME_TEXT}`,
      [
        col((x) => x.ruleId),
        col((x) => x.variant),
        col((x) => x.title),
        col((x) => x.basis),
        col((x) => x.citation),
        col((x) => x.rulePack),
      ],
    );
    for (const [ref, ruleId, variant, title, basis, citation, rulePack] of rows as string[][]) {
      const entry = this.entries(ruleId).find((e) =>
        sameText(e.text, { ruleId, variant, title, basis, citation, rulePack }),
      );
      if (entry !== undefined) entry.ref = Number(ref);
    }
  }
}

const SAME_TEXT = `(r.rule_id, r.variant, r.title, r.basis, r.citation, r.rule_pack)
  = (w.rule_id, w.variant, w.title, w.basis, w.citation, w.rule_pack)`;

function sameText(a: RuleText, b: RuleText): boolean {
  return (
    a.ruleId === b.ruleId &&
    a.variant === b.variant &&
    a.title === b.title &&
    a.basis === b.basis &&
    a.citation === b.citation &&
    a.rulePack === b.rulePack
  );
}
