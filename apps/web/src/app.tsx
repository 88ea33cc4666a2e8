import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, currentAuditPurpose, currentSession, getJson, signOut, whenSessionLost } from './api';
import type { RuleCatalogue, Session } from './api-types';
import { type Catalogue, municipalityNames, ruleOptions } from './catalogue';
import { copenhagenParts } from './format';
import { connectAlerts, type LiveAlerts } from './live';
import { formatRoute, parseRoute, type Route } from './router';
import { BoardView } from './views/board-view';
import { CaseView } from './views/case-view';
import { ComplianceView } from './views/compliance-view';
import { Header } from './views/header';
import { SignIn } from './views/sign-in';

/**
 * The route in the hash. A view change is a new history entry (Back returns to the board); a filter change
 * replaces the current one, so typing in a filter does not fill the history.
 */
function useRoute(): [Route, (route: Route, options?: { replace?: boolean }) => void] {
  const [route, setRoute] = useState<Route>(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  const navigate = useCallback((next: Route, options: { replace?: boolean } = {}) => {
    const hash = formatRoute(next);
    if (location.hash === hash) return;
    if (options.replace) {
      // replaceState fires no hashchange: the route is set here.
      history.replaceState(history.state, '', hash);
      setRoute(parseRoute(hash));
    } else {
      location.hash = hash;
    }
  }, []);
  return [route, navigate];
}

/** The page: the sign-in until there is a session, then the header and the view the hash names. */
export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  const [route, navigate] = useRoute();
  const [catalogue, setCatalogue] = useState<Catalogue | null>(null);
  const [live, setLive] = useState<LiveAlerts | null>(null);

  useEffect(() => {
    whenSessionLost((error: ApiError) => {
      setSession(null);
      setNotice(error.code === 'no-session' ? 'Din session er udløbet. Log ind igen.' : error.message);
    });
    currentSession()
      .then(async (found) => {
        // An auditor's session in a tab that never stated a purpose: sign in again, stating it.
        if (found?.role === 'auditor' && currentAuditPurpose() === null) {
          await signOut();
          setNotice('Angiv formålet med dine opslag, og log ind igen.');
          setSession(null);
          return;
        }
        setSession(found);
      })
      .catch((error: unknown) => {
        setSession(null);
        setNotice(error instanceof Error ? error.message : String(error));
      });
  }, []);

  useEffect(() => {
    if (!session) return undefined;
    const alerts = connectAlerts({
      mayReconnect: async () => {
        if ((await currentSession()) !== null) return true;
        setSession(null);
        setNotice('Din session er udløbet. Log ind igen.');
        return false;
      },
    });
    setLive(alerts);
    let cancelled = false;
    getJson<RuleCatalogue>('/v1/rules')
      .then(({ body }) => {
        if (cancelled) return;
        const today = copenhagenParts(new Date()).date;
        setCatalogue({ rules: ruleOptions(body, today), names: municipalityNames(body) });
      })
      .catch(() => {
        if (!cancelled) setCatalogue({ rules: [], names: new Map() });
      });
    return () => {
      cancelled = true;
      alerts.close();
      setLive(null);
    };
  }, [session?.keyId, session?.csrfToken]);

  const onSignOut = useCallback(async () => {
    try {
      await signOut();
    } finally {
      setSession(null);
      setNotice('Du er logget ud.');
    }
  }, []);

  const onSignedIn = useCallback((signedIn: Session) => {
    setNotice(null);
    setSession(signedIn);
  }, []);

  const view = useMemo(() => {
    if (!session || catalogue === null || live === null) return null;
    switch (route.view) {
      case 'sag':
        return <CaseView caseId={route.caseId} session={session} live={live} catalogue={catalogue} />;
      case 'overholdelse':
        return (
          <ComplianceView
            filters={route.filters}
            session={session}
            catalogue={catalogue}
            onFilters={(filters) => navigate({ view: 'overholdelse', filters }, { replace: true })}
          />
        );
      case 'frister':
        return (
          <BoardView
            filters={route.filters}
            session={session}
            live={live}
            catalogue={catalogue}
            onFilters={(filters) => navigate({ view: 'frister', filters }, { replace: true })}
          />
        );
    }
  }, [route, session, catalogue, live, navigate]);

  if (session === undefined) {
    return (
      <main id="main" class="page">
        <p class="loading">Indlæser…</p>
      </main>
    );
  }
  if (session === null) return <SignIn notice={notice} onSignedIn={onSignedIn} />;
  return (
    <>
      <a class="skip-link" href="#main" onClick={skipToMain}>
        Spring til indhold
      </a>
      <Header session={session} route={route} names={catalogue?.names ?? new Map()} onSignOut={onSignOut} />
      <main id="main" class="page" tabIndex={-1}>
        {view ?? <p class="loading">Indlæser…</p>}
      </main>
    </>
  );
}

/** The skip link must not change the hash (the router lives there): move the focus instead. */
function skipToMain(event: MouseEvent): void {
  event.preventDefault();
  document.getElementById('main')?.focus();
}
