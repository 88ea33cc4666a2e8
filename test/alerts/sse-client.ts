import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';

export interface ServerSentEvent {
  readonly id: string | undefined;
  readonly event: string | undefined;
  readonly data: Record<string, unknown>;
}

/** A client of a text/event-stream, as a dashboard's would be: the events and comments it has received. */
export interface StreamClient {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly events: ServerSentEvent[];
  readonly comments: string[];
  /** Resolves with the first event (already received or still to come) that matches, or fails after `timeoutMs`. */
  waitFor(match: (event: ServerSentEvent) => boolean, timeoutMs: number): Promise<ServerSentEvent>;
  /** Resolves when the server ends the stream or the connection closes. */
  readonly ended: Promise<void>;
  close(): void;
}

/** Connects and resolves once the response's headers and its first comment are in: the stream is open. */
export function connect(
  baseUrl: string,
  token: string,
  options: { lastEventId?: string; query?: string } = {},
): Promise<StreamClient> {
  return new Promise((resolve, reject) => {
    const events: ServerSentEvent[] = [];
    const comments: string[] = [];
    const waiters = new Set<() => void>();
    let buffer = '';
    const request = httpRequest(
      `${baseUrl}/v1/alerts/stream${options.query ?? ''}`,
      {
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'text/event-stream',
          ...(options.lastEventId !== undefined && { 'Last-Event-ID': options.lastEventId }),
        },
      },
      (response: IncomingMessage) => {
        const ended = new Promise<void>((done) => response.on('close', () => done()));
        const client: StreamClient = {
          ended,
          status: response.statusCode ?? 0,
          headers: response.headers,
          events,
          comments,
          waitFor: (match, timeoutMs) =>
            new Promise((found, fail) => {
              const check = () => {
                const event = events.find(match);
                if (event === undefined) return;
                clearTimeout(timer);
                waiters.delete(check);
                found(event);
              };
              const timer = setTimeout(() => {
                waiters.delete(check);
                fail(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`));
              }, timeoutMs);
              waiters.add(check);
              check();
            }),
          close: () => request.destroy(),
        };
        response.setEncoding('utf8');
        if (client.status !== 200) {
          let body = '';
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () =>
            resolve({ ...client, events: [{ id: undefined, event: undefined, data: JSON.parse(body) }] }),
          );
          return;
        }
        let opened = false;
        response.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const fields: Record<string, string> = {};
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) comments.push(line.slice(1).trim());
              else {
                const colon = line.indexOf(':');
                fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
              }
            }
            if (fields.data !== undefined) {
              events.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) });
            }
            for (const waiter of [...waiters]) waiter();
            if (!opened) {
              opened = true;
              resolve(client);
            }
          }
        });
        response.on('error', () => undefined);
      },
    );
    request.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(error);
    });
    request.end();
  });
}
