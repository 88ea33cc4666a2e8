/**
 * The alert stream (GET /v1/alerts/stream) for the whole page: one EventSource on the session cookie, shared
 * by the views. EventSource reconnects by itself and sends Last-Event-ID, so no alert is missed or repeated.
 */
import { currentAuditPurpose } from './api';
import type { AlertKind, AlertMessage } from './api-types';

export type LiveStatus = 'connecting' | 'open' | 'reconnecting';
/** `position` is the alert's place in the event log (its `id:`), usable as `minPosition` of the queries. */
export type AlertListener = (kind: AlertKind, alert: AlertMessage, position: string | null) => void;
export type StatusListener = (status: LiveStatus) => void;

const KINDS: readonly AlertKind[] = ['due-soon', 'breached', 'fulfilled-late'];

export interface LiveAlerts {
  subscribe(listener: AlertListener): () => void;
  onStatus(listener: StatusListener): () => void;
  readonly status: LiveStatus;
  close(): void;
}

export interface LiveOptions {
  readonly url?: string;
  /**
   * Asked before a new connection is made after the server ended one with an HTTP error: false (the session
   * has ended) stops reconnecting.
   */
  readonly mayReconnect?: () => Promise<boolean>;
}

export function connectAlerts(options: LiveOptions = {}): LiveAlerts {
  const url = options.url ?? '/v1/alerts/stream';
  const listeners = new Set<AlertListener>();
  const statusListeners = new Set<StatusListener>();
  let status: LiveStatus = 'connecting';
  let lastEventId: string | null = null;
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const setStatus = (next: LiveStatus) => {
    if (next === status) return;
    status = next;
    for (const listener of statusListeners) listener(next);
  };
  const open = (): EventSource => {
    const query = new URLSearchParams();
    if (lastEventId !== null) query.set('lastEventId', lastEventId);
    const purpose = currentAuditPurpose();
    if (purpose !== null) query.set('purpose', purpose);
    const from = query.toString() === '' ? url : `${url}?${query.toString()}`;
    const source = new EventSource(from, { withCredentials: true });
    source.addEventListener('open', () => setStatus('open'));
    source.addEventListener('error', () => {
      setStatus('reconnecting');
      // EventSource retries by itself after a dropped connection, but gives up on an HTTP error (a restart
      // answering 503): then start a new one, from the last alert seen.
      if (source.readyState === EventSource.CLOSED && !closed) {
        retry = setTimeout(async () => {
          const may =
            options.mayReconnect === undefined ? true : await options.mayReconnect().catch(() => true);
          if (may && !closed) current = open();
        }, 5_000);
      }
    });
    for (const kind of KINDS) {
      source.addEventListener(kind, (event) => {
        const message = event as MessageEvent<string>;
        if (message.lastEventId) lastEventId = message.lastEventId;
        let alert: AlertMessage;
        try {
          alert = JSON.parse(message.data) as AlertMessage;
        } catch {
          return;
        }
        for (const listener of listeners) listener(kind, alert, message.lastEventId || null);
      });
    }
    return source;
  };
  let current = open();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    get status() {
      return status;
    },
    close() {
      closed = true;
      clearTimeout(retry);
      current.close();
      listeners.clear();
      statusListeners.clear();
    },
  };
}
