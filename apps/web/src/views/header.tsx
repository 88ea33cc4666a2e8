import type { Session } from '../api-types';
import { municipalityLabel } from '../catalogue';
import { ROLE_LABELS } from '../labels';
import { formatRoute, type Route } from '../router';

const NAV: readonly { view: 'frister' | 'overholdelse'; label: string }[] = [
  { view: 'frister', label: 'Frister' },
  { view: 'overholdelse', label: 'Overholdelse' },
];

export function scopeLabel(session: Session, names: ReadonlyMap<string, string>): string {
  if (session.municipalities === '*') return 'alle kommuner';
  return session.municipalities.map((code) => municipalityLabel(code, names)).join(', ');
}

export function Header({
  session,
  route,
  names,
  onSignOut,
}: {
  session: Session;
  route: Route;
  names: ReadonlyMap<string, string>;
  onSignOut: () => void;
}) {
  return (
    <header class="top">
      <p class="brand">
        <span aria-hidden="true" class="brand__mark">
          §
        </span>{' '}
        Fristvagt
      </p>
      <nav aria-label="Hovedmenu" class="top__nav">
        <ul>
          {NAV.map((item) => (
            <li key={item.view}>
              <a
                href={formatRoute(
                  item.view === 'frister'
                    ? { view: 'frister', filters: {} }
                    : { view: 'overholdelse', filters: {} },
                )}
                aria-current={route.view === item.view ? 'page' : undefined}
              >
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="top__who">
        <p class="who" data-testid="who">
          <span class="who__role">{ROLE_LABELS[session.role] ?? session.role}</span>
          <span class="who__sep" aria-hidden="true">
            {' · '}
          </span>
          <span class="visually-hidden">, </span>
          <span class="who__scope">{scopeLabel(session, names)}</span>
        </p>
        <button type="button" class="button button--quiet" onClick={onSignOut}>
          Log ud
        </button>
      </div>
    </header>
  );
}
