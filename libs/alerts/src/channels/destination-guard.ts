import { promises as dns, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';

/**
 * Where webhooks may go. A webhook URL is chosen by whoever holds a subscription, and the request leaves from
 * inside the municipality's network: without this guard it could reach the database, the metadata service
 * of the cloud it runs in, or an intranet (server-side request forgery).
 */
export interface DestinationPolicy {
  /** ALERT_ALLOW_HTTP: plain http:// URLs are accepted (development and test by default). */
  readonly allowHttp: boolean;
  /**
   * ALERT_ALLOWED_NETWORKS: host names, IP addresses and CIDR ranges (IPv4 and IPv6) a webhook may reach although
   * they are loopback, private or link-local. A host name entry trusts whatever that name resolves to.
   */
  readonly allowedNetworks: readonly string[];
}

export type DestinationErrorCode =
  | 'webhook-url-invalid'
  | 'webhook-url-not-https'
  | 'webhook-url-credentials'
  | 'webhook-url-fragment'
  | 'webhook-url-too-long'
  | 'webhook-destination-refused'
  | 'webhook-destination-unresolvable';

/** Why a webhook URL or its destination was refused; the API maps it to problem+json on `field`. */
export interface DestinationRefusal {
  readonly ok: false;
  readonly code: DestinationErrorCode;
  readonly field: 'channel.url';
  /** Never contains the URL: its path or query may carry the receiver's own token. */
  readonly message: string;
}

export type WebhookUrlCheck = { readonly ok: true; readonly url: URL } | DestinationRefusal;

/** A destination checked at delivery time: connect to these addresses, and only these, for `hostname`. */
export interface CheckedDestination {
  readonly ok: true;
  readonly url: URL;
  /** The URL's host without IPv6 brackets: the Host header and the TLS server name. */
  readonly hostname: string;
  readonly addresses: readonly LookupAddress[];
}

export type DestinationCheck = CheckedDestination | DestinationRefusal;

/** Resolves a host name to every address it has (`dns.promises.lookup` with `all: true`). */
export type AddressLookup = (hostname: string) => Promise<readonly LookupAddress[]>;

export const systemLookup: AddressLookup = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** Why an address is not public; `public` is the only class a webhook reaches without ALERT_ALLOWED_NETWORKS. */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'this-network'
  | 'loopback'
  | 'private'
  | 'shared-address-space'
  | 'link-local'
  | 'metadata'
  | 'multicast'
  | 'documentation'
  | 'benchmarking'
  | 'reserved';

const CLASS_WORDS: Record<Exclude<AddressClass, 'public'>, string> = {
  unspecified: 'the unspecified address',
  'this-network': 'a "this network" address (0.0.0.0/8)',
  loopback: 'a loopback address',
  private: 'a private address',
  'shared-address-space': 'a carrier-grade NAT address (100.64.0.0/10)',
  'link-local': 'a link-local address',
  metadata: 'a cloud metadata endpoint',
  multicast: 'a multicast address',
  documentation: 'an address reserved for documentation',
  benchmarking: 'an address reserved for benchmarking',
  reserved: 'a reserved address',
};

/**
 * Checks a webhook URL when a subscription is made: an absolute https:// URL (http:// only with `allowHttp`),
 * at most 2048 characters, without user name, password or fragment; any port. An IP address in the host, and
 * the names `localhost` and the metadata services' names, are judged here already; other names are resolved at
 * delivery (`resolveAndCheck`), because what a name resolves to can change after the subscription.
 */
export function checkWebhookUrl(raw: string, policy: DestinationPolicy): WebhookUrlCheck {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) {
    return refuse('webhook-url-too-long', `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
  }
  // The URL parser silently drops tabs and newlines inside a URL; such a URL is refused, not repaired.
  // eslint-disable-next-line no-control-regex
  if (raw.length === 0 || /[\s\u0000-\u001f\u007f]/.test(raw)) {
    return refuse('webhook-url-invalid', 'must be an absolute URL without spaces or control characters');
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('webhook-url-invalid', 'must be an absolute URL such as https://receiver.example/hooks');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    return refuse(
      'webhook-url-not-https',
      policy.allowHttp ? 'must be an https:// or http:// URL' : 'must be an https:// URL',
    );
  }
  if (url.username !== '' || url.password !== '') {
    return refuse(
      'webhook-url-credentials',
      'must not contain a user name or password: the signature authenticates Fristvagt to the receiver',
    );
  }
  if (url.hash !== '' || raw.includes('#')) {
    return refuse('webhook-url-fragment', 'must not contain a fragment (#...)');
  }
  const hostname = bareHostname(url);
  if (hostname === '' || hostname === '.') return refuse('webhook-url-invalid', 'must name a host');
  const allowed = compileAllowedNetworks(policy.allowedNetworks);
  if (isMetadataHostname(hostname)) return refusedDestination('metadata', hostname);
  if (isIP(hostname) !== 0) {
    const verdict = judgeAddress(hostname, hostname, allowed);
    if (verdict !== 'allowed') return refusedDestination(verdict, hostname);
  } else if (isLocalhostName(hostname) && judgeAddress('127.0.0.1', hostname, allowed) !== 'allowed') {
    // Judged as 127.0.0.1 here; at delivery, whatever the name resolves to is judged.
    return refusedDestination('loopback', hostname);
  }
  return { ok: true, url };
}

/**
 * Checks a webhook URL at delivery time: the syntax again (the policy may have changed), then every address
 * the host resolves to must be public, or inside ALERT_ALLOWED_NETWORKS; one refused address refuses the
 * destination. The caller must connect to `addresses` (see `pinnedLookup`), never resolve the name again:
 * a second resolution could answer differently (DNS rebinding).
 */
export async function resolveAndCheck(
  raw: string,
  policy: DestinationPolicy,
  lookup: AddressLookup = systemLookup,
): Promise<DestinationCheck> {
  const syntax = checkWebhookUrl(raw, policy);
  if (!syntax.ok) return syntax;
  const { url } = syntax;
  const hostname = bareHostname(url);
  const allowed = compileAllowedNetworks(policy.allowedNetworks);

  let addresses: readonly LookupAddress[];
  if (isIP(hostname) !== 0) {
    addresses = [{ address: hostname, family: isIP(hostname) }];
  } else {
    try {
      addresses = await lookup(hostname);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'lookup failed';
      return refuse('webhook-destination-unresolvable', `the host name could not be resolved (${code})`);
    }
    if (addresses.length === 0) {
      return refuse('webhook-destination-unresolvable', 'the host name resolved to no address');
    }
  }
  for (const { address } of addresses) {
    const verdict = judgeAddress(address, hostname, allowed);
    if (verdict !== 'allowed') return refusedDestination(verdict, address);
  }
  return {
    ok: true,
    url,
    hostname,
    addresses: addresses.map(({ address, family }) => ({ address, family })),
  };
}

/**
 * A `lookup` for http.request / tls.connect that answers with the checked addresses and nothing else, so the
 * connection goes where the check looked, while the Host header and the TLS server name stay the host name.
 * Asked about any other name (nothing should), it fails rather than resolve.
 */
export function pinnedLookup(destination: CheckedDestination): LookupFunction {
  return (hostname, options, callback) => {
    if (normaliseHostname(hostname) !== normaliseHostname(destination.hostname)) {
      const error: NodeJS.ErrnoException = new Error('only the checked host may be resolved');
      error.code = 'ENOTFOUND';
      callback(error, '', 0);
      return;
    }
    const family =
      options.family === 4 || options.family === 'IPv4'
        ? 4
        : options.family === 6 || options.family === 'IPv6'
          ? 6
          : 0;
    const candidates = destination.addresses.filter((entry) => family === 0 || entry.family === family);
    if (candidates.length === 0) {
      const error: NodeJS.ErrnoException = new Error(`no checked IPv${family} address`);
      error.code = 'ENOTFOUND';
      callback(error, '', 0);
    } else if (options.all === true) {
      callback(
        null,
        candidates.map(({ address, family: f }) => ({ address, family: f })),
      );
    } else {
      callback(null, candidates[0]!.address, candidates[0]!.family);
    }
  };
}

/** Entries of ALERT_ALLOWED_NETWORKS that are neither a host name, an IP address nor a valid CIDR range. */
export function invalidAllowedNetworks(entries: readonly string[]): string[] {
  return entries.filter((entry) => parseAllowedEntry(entry) === undefined);
}

/** The class of one IP address; an IPv4 address inside IPv6 (mapped, NAT64, 6to4) is judged as IPv4. */
export function classifyAddress(address: string): AddressClass {
  const ip = parseIp(address);
  if (ip === undefined) return 'reserved';
  return classify(ip);
}

// --- addresses -----------------------------------------------------------------------------------------------

interface Ip {
  readonly family: 4 | 6;
  readonly value: bigint;
}

interface Cidr extends Ip {
  readonly prefix: number;
}

function bits(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

function contains(cidr: Cidr, ip: Ip): boolean {
  if (cidr.family !== ip.family) return false;
  const shift = BigInt(bits(cidr.family) - cidr.prefix);
  return ip.value >> shift === cidr.value >> shift;
}

function parseIp(text: string): Ip | undefined {
  const address = text.replace(/%.*$/, '');
  const family = isIP(address);
  if (family === 4) {
    return {
      family: 4,
      value: address.split('.').reduce((sum, octet) => (sum << 8n) | BigInt(Number(octet)), 0n),
    };
  }
  if (family !== 6) return undefined;
  let text6 = address.toLowerCase();
  const embedded = /(\d+\.\d+\.\d+\.\d+)$/.exec(text6);
  if (embedded !== null) {
    const v4 = parseIp(embedded[1]!)!.value;
    text6 = `${text6.slice(0, -embedded[1]!.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text6.split('::') as [string, string | undefined];
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined
      ? headGroups
      : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return { family: 6, value: groups.reduce((sum, group) => (sum << 16n) | BigInt(parseInt(group, 16)), 0n) };
}

function cidr(text: string): Cidr {
  const [address, prefix] = text.split('/') as [string, string];
  const ip = parseIp(address)!;
  return { ...ip, prefix: Number(prefix) };
}

/** Checked in order: the first range that contains the address decides. */
const IPV4_RANGES: readonly (readonly [Cidr, Exclude<AddressClass, 'public'>])[] = [
  [cidr('169.254.169.254/32'), 'metadata'], // AWS, Azure, GCP, OpenStack, Oracle
  [cidr('169.254.170.2/32'), 'metadata'], // AWS ECS task metadata
  [cidr('100.100.100.200/32'), 'metadata'], // Alibaba Cloud
  [cidr('0.0.0.0/32'), 'unspecified'],
  [cidr('0.0.0.0/8'), 'this-network'],
  [cidr('10.0.0.0/8'), 'private'],
  [cidr('100.64.0.0/10'), 'shared-address-space'],
  [cidr('127.0.0.0/8'), 'loopback'],
  [cidr('169.254.0.0/16'), 'link-local'],
  [cidr('172.16.0.0/12'), 'private'],
  [cidr('192.0.0.0/24'), 'reserved'], // IETF protocol assignments
  [cidr('192.0.2.0/24'), 'documentation'],
  [cidr('192.88.99.0/24'), 'reserved'], // former 6to4 relay anycast
  [cidr('192.168.0.0/16'), 'private'],
  [cidr('198.18.0.0/15'), 'benchmarking'],
  [cidr('198.51.100.0/24'), 'documentation'],
  [cidr('203.0.113.0/24'), 'documentation'],
  [cidr('224.0.0.0/4'), 'multicast'],
  [cidr('240.0.0.0/4'), 'reserved'], // includes the broadcast address 255.255.255.255
];

const IPV6_RANGES: readonly (readonly [Cidr, Exclude<AddressClass, 'public'>])[] = [
  [cidr('fd00:ec2::254/128'), 'metadata'], // AWS over IPv6
  [cidr('::/128'), 'unspecified'],
  [cidr('::1/128'), 'loopback'],
  [cidr('::/96'), 'reserved'], // IPv4-compatible, deprecated
  [cidr('64:ff9b:1::/48'), 'private'], // local-use NAT64
  [cidr('100::/64'), 'reserved'], // discard-only
  [cidr('2001:db8::/32'), 'documentation'],
  [cidr('2001::/23'), 'reserved'], // IETF protocol assignments, Teredo tunnels among them
  [cidr('fc00::/7'), 'private'], // unique local
  [cidr('fe80::/10'), 'link-local'],
  [cidr('fec0::/10'), 'private'], // site-local, deprecated
  [cidr('ff00::/8'), 'multicast'],
];

const GLOBAL_UNICAST = cidr('2000::/3');
/** IPv6 forms that carry an IPv4 address: mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:ab:cd::). */
const IPV4_MAPPED = cidr('::ffff:0:0/96');
const NAT64 = cidr('64:ff9b::/96');
const SIX_TO_FOUR = cidr('2002::/16');

function embeddedIpv4(ip: Ip): Ip | undefined {
  if (contains(IPV4_MAPPED, ip) || contains(NAT64, ip)) return { family: 4, value: ip.value & 0xffffffffn };
  if (contains(SIX_TO_FOUR, ip)) return { family: 4, value: (ip.value >> 80n) & 0xffffffffn };
  return undefined;
}

function classify(ip: Ip): AddressClass {
  const v4 = ip.family === 4 ? ip : embeddedIpv4(ip);
  if (v4 !== undefined) return IPV4_RANGES.find(([range]) => contains(range, v4))?.[1] ?? 'public';
  const special = IPV6_RANGES.find(([range]) => contains(range, ip))?.[1];
  if (special !== undefined) return special;
  // Only 2000::/3 is allocated for global unicast; everything else is unassigned or special.
  return contains(GLOBAL_UNICAST, ip) ? 'public' : 'reserved';
}

// --- host names ----------------------------------------------------------------------------------------------

const METADATA_HOSTNAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
]);

function isMetadataHostname(hostname: string): boolean {
  return METADATA_HOSTNAMES.has(normaliseHostname(hostname));
}

function isLocalhostName(hostname: string): boolean {
  const name = normaliseHostname(hostname);
  return name === 'localhost' || name.endsWith('.localhost') || name === 'localhost.localdomain';
}

function normaliseHostname(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '');
}

function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

// --- the allow list ------------------------------------------------------------------------------------------

interface AllowedNetworks {
  readonly hosts: ReadonlySet<string>;
  readonly ranges: readonly Cidr[];
}

const HOSTNAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function parseAllowedEntry(entry: string): { host: string } | { range: Cidr } | undefined {
  const text = entry.trim();
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const address = text.slice(0, slash);
    const prefixText = text.slice(slash + 1);
    const ip = parseIp(address);
    if (ip === undefined || address.includes('%') || !/^\d{1,3}$/.test(prefixText)) return undefined;
    const prefix = Number(prefixText);
    return prefix > bits(ip.family) ? undefined : { range: { ...ip, prefix } };
  }
  if (isIP(text) !== 0) {
    const ip = parseIp(text)!;
    return { range: { ...ip, prefix: bits(ip.family) } };
  }
  // A dotted run of digits is an IP address written wrongly (1.2.3), not a host name.
  if (/^[\d.]+$/.test(text) || !HOSTNAME.test(text.replace(/\.$/, ''))) return undefined;
  return { host: normaliseHostname(text) };
}

function compileAllowedNetworks(entries: readonly string[]): AllowedNetworks {
  const hosts = new Set<string>();
  const ranges: Cidr[] = [];
  for (const entry of entries) {
    // An invalid entry allows nothing (fail closed); invalidAllowedNetworks reports it at start-up.
    const parsed = parseAllowedEntry(entry);
    if (parsed === undefined) continue;
    if ('host' in parsed) hosts.add(parsed.host);
    else ranges.push(parsed.range);
  }
  return { hosts, ranges };
}

/** `allowed`, or why not. A metadata endpoint is never allowed: no receiver lives there. */
function judgeAddress(
  address: string,
  hostname: string,
  allowed: AllowedNetworks,
): 'allowed' | Exclude<AddressClass, 'public'> {
  const ip = parseIp(address);
  if (ip === undefined) return 'reserved';
  const verdict = classify(ip);
  if (verdict === 'public') return 'allowed';
  if (verdict === 'metadata') return verdict;
  if (allowed.hosts.has(normaliseHostname(hostname))) return 'allowed';
  const v4 = ip.family === 4 ? ip : embeddedIpv4(ip);
  const inRange = allowed.ranges.some(
    (range) => contains(range, ip) || (v4 !== undefined && contains(range, v4)),
  );
  return inRange ? 'allowed' : verdict;
}

function refusedDestination(verdict: Exclude<AddressClass, 'public'>, address: string): DestinationRefusal {
  const exception = verdict === 'metadata' ? '' : ' (unless ALERT_ALLOWED_NETWORKS allows it)';
  return refuse(
    'webhook-destination-refused',
    `must not reach ${CLASS_WORDS[verdict]}: the host is or resolves to ${address}${exception}`,
  );
}

function refuse(code: DestinationErrorCode, message: string): DestinationRefusal {
  return { ok: false, code, field: 'channel.url', message };
}
