import { useRef, useState } from 'preact/hooks';
import { ApiError, newIdempotencyKey, postCommand } from '../api';

const MAX_LENGTH = 2_000;

/**
 * A supervisor releases the municipality from one obligation with a written justification. The command
 * carries the case revision the page showed (If-Match): if the case moved on meanwhile it is refused (412)
 * and the case is read again rather than waiving on a picture that is out of date.
 */
export function WaiveForm({
  caseId,
  obligationId,
  ruleId,
  revision,
  onWaived,
  onStale,
}: {
  caseId: string;
  obligationId: string;
  ruleId: string;
  revision: number;
  onWaived: () => void;
  onStale: (message: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const [justification, setJustification] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // One Idempotency-Key per intended waiver, with the body it was first sent with: a second click, or a retry
  // after an answer that was lost, sends the same request and cannot record the waiver twice. A refusal stores
  // nothing, so the corrected request starts afresh.
  const pending = useRef<{ key: string; occurredAt: string } | null>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const base = `waive-${obligationId.replace(/[^A-Za-z0-9_-]/g, '-')}`;

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const text = justification.trim();
    if (text === '') {
      setError('Skriv en begrundelse. Et frafald kræver en skriftlig begrundelse.');
      textarea.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    pending.current ??= { key: newIdempotencyKey(), occurredAt: new Date().toISOString() };
    try {
      await postCommand(
        `/v1/cases/${encodeURIComponent(caseId)}/obligations/${encodeURIComponent(obligationId)}/waivers`,
        { justification: text, occurredAt: pending.current.occurredAt },
        { ifMatch: revision, idempotencyKey: pending.current.key },
      );
      pending.current = null;
      onWaived();
    } catch (caught) {
      const apiError = caught instanceof ApiError ? caught : null;
      if (apiError !== null && apiError.status >= 400 && apiError.status < 500) pending.current = null;
      if (apiError !== null && (apiError.status === 409 || apiError.status === 412)) {
        onStale(apiError.message);
        return;
      }
      setError(apiError?.message ?? 'Frafaldet kunne ikke gemmes.');
      textarea.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  if (!open) {
    return (
      <button
        ref={toggle}
        type="button"
        class="button"
        aria-expanded="false"
        aria-controls={`${base}-form`}
        onClick={() => {
          setOpen(true);
          setTimeout(() => textarea.current?.focus(), 0);
        }}
      >
        Frafald forpligtelsen…
      </button>
    );
  }
  return (
    <form id={`${base}-form`} class="waive" onSubmit={submit} noValidate aria-labelledby={`${base}-title`}>
      <h4 id={`${base}-title`} class="waive__title">
        Frafald {ruleId}
      </h4>
      <label for={`${base}-text`}>Skriftlig begrundelse (påkrævet)</label>
      <textarea
        ref={textarea}
        id={`${base}-text`}
        name="justification"
        rows={4}
        required
        aria-required="true"
        maxLength={MAX_LENGTH}
        aria-describedby={`${base}-help`}
        aria-invalid={error !== null}
        value={justification}
        onInput={(event) => setJustification((event.target as HTMLTextAreaElement).value)}
      />
      <p id={`${base}-help`} class="help">
        Begrundelsen gemmes i sagens historik og kan ikke ændres bagefter. Skriv ikke CPR-numre eller navne.
        Højst {MAX_LENGTH} tegn.
      </p>
      {error !== null && (
        <p class="message message--error" role="alert">
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      )}
      <div class="waive__actions">
        <button type="submit" class="button button--danger" disabled={busy}>
          {busy ? 'Gemmer…' : 'Frafald'}
        </button>
        <button
          type="button"
          class="button button--quiet"
          onClick={() => {
            setOpen(false);
            setError(null);
            setTimeout(() => toggle.current?.focus(), 0);
          }}
        >
          Annullér
        </button>
      </div>
    </form>
  );
}
