import { type Catalogue, municipalityLabel } from '../catalogue';

/** A filter's choice: the empty option ('' in the select) means no filter, undefined. */
function chosen(event: Event): string | undefined {
  return (event.target as HTMLSelectElement).value || undefined;
}

/** Kommune: one of `codes`, or all of them. */
export function MunicipalityFilter({
  id,
  codes,
  value,
  catalogue,
  onChange,
}: {
  id: string;
  codes: readonly string[];
  value: string | undefined;
  catalogue: Catalogue;
  onChange: (municipality: string | undefined) => void;
}) {
  return (
    <div class="field">
      <label for={id}>Kommune</label>
      <select id={id} value={value ?? ''} onChange={(event) => onChange(chosen(event))}>
        <option value="">Alle kommuner</option>
        {codes.map((code) => (
          <option key={code} value={code}>
            {municipalityLabel(code, catalogue.names)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Regel: one rule of the catalogue, or all of them. */
export function RuleFilter({
  id,
  value,
  catalogue,
  onChange,
}: {
  id: string;
  value: string | undefined;
  catalogue: Catalogue;
  onChange: (rule: string | undefined) => void;
}) {
  return (
    <div class="field">
      <label for={id}>Regel</label>
      <select id={id} value={value ?? ''} onChange={(event) => onChange(chosen(event))}>
        <option value="">Alle regler</option>
        {catalogue.rules.map((rule) => (
          <option key={rule.ruleId} value={rule.ruleId}>
            {rule.ruleId} – {rule.titleDa}
          </option>
        ))}
      </select>
    </div>
  );
}
