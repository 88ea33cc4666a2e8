/** Query parameters that carry a secret in PostgreSQL, EventStoreDB and Redis connection strings. */
const SECRET_PARAMS = /([?&](?:password|passwd|pass|secret|token|access_?key|api_?key)=)[^&#]*/gi;

/** `scheme://user:password@` — matched by hand, since multi-host strings (`esdb://a:2113,b:2113`) are not WHATWG URLs. */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*)@/i;

/**
 * A connection string fit for logs and error messages: the password in the user-info and secret query
 * parameters are replaced by `***`. Works on any string, URL or not, and never throws.
 */
export function redactUrl(url: string): string {
  return url
    .replace(USERINFO, (_match, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return colon === -1 ? `${scheme}${userinfo}@` : `${scheme}${userinfo.slice(0, colon)}:***@`;
    })
    .replace(SECRET_PARAMS, '$1***');
}

/** The URL scheme in lower case without `://` (`postgresql`), or undefined when the string has none. */
export function urlScheme(url: string): string | undefined {
  return /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
}

/**
 * Where a connection string points, without credentials or options: `host:port/database` (or the host
 * list of a multi-host string). For messages such as "cannot reach PostgreSQL at db:5432/fristvagt".
 */
export function urlLocation(url: string, defaultPort?: number): string {
  const rest = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^[^@/?#]*@/, '');
  const hostEnd = rest.search(/[/?#]/);
  const hosts = (hostEnd === -1 ? rest : rest.slice(0, hostEnd)) || 'localhost';
  const withPort = hosts
    .split(',')
    .map((host) => (defaultPort === undefined || /:\d+$/.test(host) ? host : `${host}:${defaultPort}`))
    .join(',');
  const path = hostEnd === -1 ? '' : (/^\/[^?#]*/.exec(rest.slice(hostEnd))?.[0] ?? '');
  return path === '/' ? withPort : `${withPort}${path}`;
}
