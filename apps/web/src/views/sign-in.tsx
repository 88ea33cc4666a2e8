import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, setAuditPurpose, signIn, signOut } from '../api';
import type { Session } from '../api-types';
import { ErrorMessage } from './shared';

/**
 * The API key is exchanged for a session cookie and then forgotten: it is never stored by the page. The field
 * is a password field so the key is not shown on screen or kept by form autofill.
 */
export function SignIn({
  notice,
  onSignedIn,
}: {
  notice: string | null;
  onSignedIn: (session: Session) => void;
}) {
  const [apiKey, setApiKey] = useState('');
  const [purpose, setPurpose] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = 'Log ind – Fristvagt';
  }, []);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const key = apiKey.trim();
    if (key === '') {
      setError('Skriv din API-nøgle.');
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const session = await signIn(key);
      if (session.role === 'auditor') {
        // Every read of an auditor states its purpose (issue 13); the API checks it, this only asks for it.
        if (purpose.trim().length < 5) {
          await signOut();
          setError('Som revisor skal du angive formålet med dine opslag (mindst 5 tegn).');
          return;
        }
        setAuditPurpose(purpose.trim());
      } else {
        setAuditPurpose(null);
      }
      setApiKey('');
      setPurpose('');
      onSignedIn(session);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'Login mislykkedes.');
      input.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" class="sign-in">
      <div class="sign-in__panel">
        <p class="brand brand--large">
          <span aria-hidden="true" class="brand__mark">
            §
          </span>{' '}
          Fristvagt
        </p>
        <h1>Log ind</h1>
        <p>
          Log ind med en API-nøgle til en leder, revisor eller administrator. Du ser de kommuner, nøglen giver
          adgang til.
        </p>
        {notice !== null && (
          <p class="message message--info" role="status">
            {notice}
          </p>
        )}
        <form onSubmit={submit} noValidate>
          <label for="api-key">API-nøgle</label>
          <input
            ref={input}
            id="api-key"
            name="apiKey"
            type="password"
            autoComplete="off"
            spellcheck={false}
            aria-describedby="api-key-help"
            aria-invalid={error !== null}
            value={apiKey}
            onInput={(event) => setApiKey((event.target as HTMLInputElement).value)}
          />
          <p id="api-key-help" class="help">
            Nøglen begynder med <code>fv_</code>. Den gemmes ikke i browseren: du får en session, som udløber
            af sig selv, eller når du logger ud.
          </p>
          <label for="audit-purpose">Formål (kun for revisorer)</label>
          <input
            id="audit-purpose"
            name="purpose"
            type="text"
            maxLength={200}
            autoComplete="off"
            aria-describedby="audit-purpose-help"
            value={purpose}
            onInput={(event) => setPurpose((event.target as HTMLInputElement).value)}
          />
          <p id="audit-purpose-help" class="help">
            Fx et journalnummer eller en undersøgelse. Det logges med hvert opslag. Skriv aldrig et
            CPR-nummer.
          </p>
          <ErrorMessage message={error} />
          <button type="submit" class="button button--primary" disabled={busy}>
            {busy ? 'Logger ind…' : 'Log ind'}
          </button>
        </form>
      </div>
    </main>
  );
}
