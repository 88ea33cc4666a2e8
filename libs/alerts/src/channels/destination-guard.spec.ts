import type { LookupAddress } from 'node:dns';
import fc from 'fast-check';
import {
  type AddressLookup,
  type CheckedDestination,
  checkWebhookUrl,
  classifyAddress,
  type DestinationPolicy,
  invalidAllowedNetworks,
  pinnedLookup,
  resolveAndCheck,
} from './destination-guard';

const STRICT: DestinationPolicy = { allowHttp: false, allowedNetworks: [] };
const DEV: DestinationPolicy = { allowHttp: true, allowedNetworks: [] };

/** A resolver that answers from a table and counts its questions; it never touches DNS. */
function fakeDns(table: Record<string, string[]>): AddressLookup & { calls: string[] } {
  const calls: string[] = [];
  const lookup = async (hostname: string): Promise<LookupAddress[]> => {
    calls.push(hostname);
    const addresses = table[hostname];
    if (addresses === undefined) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    }
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(lookup, { calls });
}

describe('checkWebhookUrl (at subscription)', () => {
  it.each([
    'https://hooks.kommune.dk/fristvagt',
    'https://hooks.kommune.dk:8443/fristvagt?token=abc',
    'https://93.184.216.34/x',
    'https://[2606:4700::1111]/x',
    'https://Hooks.Kommune.DK./x',
  ])('accepts %s', (url) => {
    expect(checkWebhookUrl(url, STRICT)).toMatchObject({ ok: true });
  });

  it.each([
    ['', 'webhook-url-invalid'],
    ['hooks.kommune.dk/x', 'webhook-url-invalid'],
    ['/relative/path', 'webhook-url-invalid'],
    ['https://hooks.kommune.dk/a b', 'webhook-url-invalid'],
    ['https://hooks.kom\nmune.dk/', 'webhook-url-invalid'],
    ['https://hooks.kommune.dk/\t', 'webhook-url-invalid'],
    ['https://', 'webhook-url-invalid'],
    ['http://hooks.kommune.dk/x', 'webhook-url-not-https'],
    ['ftp://hooks.kommune.dk/x', 'webhook-url-not-https'],
    ['file:///etc/passwd', 'webhook-url-not-https'],
    ['javascript:alert(1)', 'webhook-url-not-https'],
    ['https://user:secret@hooks.kommune.dk/x', 'webhook-url-credentials'],
    ['https://user@hooks.kommune.dk/x', 'webhook-url-credentials'],
    ['https://hooks.kommune.dk/x#part', 'webhook-url-fragment'],
    ['https://hooks.kommune.dk/x#', 'webhook-url-fragment'],
    [`https://hooks.kommune.dk/${'a'.repeat(2030)}`, 'webhook-url-too-long'],
    ['https://127.0.0.1/x', 'webhook-destination-refused'],
    ['https://2130706433/x', 'webhook-destination-refused'],
    ['https://0x7f.1/x', 'webhook-destination-refused'],
    ['https://[::1]/x', 'webhook-destination-refused'],
    ['https://[::ffff:10.0.0.1]/x', 'webhook-destination-refused'],
    ['https://169.254.169.254/latest/meta-data', 'webhook-destination-refused'],
    ['https://localhost/x', 'webhook-destination-refused'],
    ['https://api.localhost/x', 'webhook-destination-refused'],
    ['https://metadata.google.internal/computeMetadata/v1/', 'webhook-destination-refused'],
  ])('refuses %j with %s on channel.url', (url, code) => {
    expect(checkWebhookUrl(url, STRICT)).toMatchObject({ ok: false, code, field: 'channel.url' });
  });

  it('accepts http:// only when the policy allows it', () => {
    expect(checkWebhookUrl('http://hooks.kommune.dk/x', DEV)).toMatchObject({ ok: true });
    expect(checkWebhookUrl('ftp://hooks.kommune.dk/x', DEV)).toMatchObject({
      ok: false,
      code: 'webhook-url-not-https',
      message: 'must be an https:// or http:// URL',
    });
  });

  it('accepts exactly 2048 characters', () => {
    const base = 'https://hooks.kommune.dk/';
    expect(checkWebhookUrl(base + 'a'.repeat(2048 - base.length), STRICT).ok).toBe(true);
    expect(checkWebhookUrl(base + 'a'.repeat(2049 - base.length), STRICT).ok).toBe(false);
  });

  it('never repeats the URL (its path or query may hold a token) or its credentials', () => {
    for (const url of [
      'https://user:hunter2@hooks.kommune.dk/x?token=s3cret',
      'http://hooks.kommune.dk/x?token=s3cret',
      'https://hooks.kommune.dk/x?token=s3cret#frag',
    ]) {
      const result = checkWebhookUrl(url, STRICT);
      expect(result.ok).toBe(false);
      expect(JSON.stringify(result)).not.toMatch(/hunter2|s3cret|hooks\.kommune/);
    }
  });

  it('lets ALERT_ALLOWED_NETWORKS open a loopback or private receiver', () => {
    const policy = { allowHttp: true, allowedNetworks: ['127.0.0.1', '10.20.0.0/16', 'localhost'] };
    expect(checkWebhookUrl('http://127.0.0.1:8080/x', policy).ok).toBe(true);
    expect(checkWebhookUrl('http://10.20.3.4/x', policy).ok).toBe(true);
    expect(checkWebhookUrl('http://localhost:8080/x', policy).ok).toBe(true);
    expect(checkWebhookUrl('http://10.21.0.1/x', policy).ok).toBe(false);
    expect(checkWebhookUrl('http://127.0.0.2/x', policy).ok).toBe(false);
  });
});

/** One address per line of the table, its class, and a representative of every refused range. */
const CLASSES: [string, string][] = [
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'this-network'],
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['100.64.0.1', 'shared-address-space'],
  ['100.127.255.254', 'shared-address-space'],
  ['100.100.100.200', 'metadata'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['169.254.0.1', 'link-local'],
  ['169.254.169.254', 'metadata'],
  ['169.254.170.2', 'metadata'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.0.0.8', 'reserved'],
  ['192.0.2.1', 'documentation'],
  ['192.168.1.1', 'private'],
  ['198.18.0.1', 'benchmarking'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.9', 'documentation'],
  ['224.0.0.251', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'reserved'],
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['::127.0.0.1', 'reserved'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:10.1.2.3', 'private'],
  ['::ffff:169.254.169.254', 'metadata'],
  ['::ffff:0.0.0.0', 'unspecified'],
  ['64:ff9b::a9fe:a9fe', 'metadata'],
  ['64:ff9b::192.168.0.1', 'private'],
  ['64:ff9b:1::1', 'private'],
  ['2002:7f00:1::1', 'loopback'],
  ['2002:a00:1::', 'private'],
  ['100::1', 'reserved'],
  ['2001::1', 'reserved'],
  ['2001:db8::1', 'documentation'],
  ['fc00::1', 'private'],
  ['fd12:3456:789a::1', 'private'],
  ['fd00:ec2::254', 'metadata'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['febf:ffff::1', 'link-local'],
  ['fec0::1', 'private'],
  ['ff02::1', 'multicast'],
  ['4000::1', 'reserved'],
  ['not an address', 'reserved'],
  // Public: the neighbours of the refused ranges, and ordinary addresses.
  ['1.1.1.1', 'public'],
  ['9.255.255.255', 'public'],
  ['11.0.0.0', 'public'],
  ['100.63.255.255', 'public'],
  ['100.128.0.0', 'public'],
  ['126.255.255.255', 'public'],
  ['128.0.0.0', 'public'],
  ['169.253.255.255', 'public'],
  ['172.15.255.255', 'public'],
  ['172.32.0.0', 'public'],
  ['192.167.255.255', 'public'],
  ['192.169.0.0', 'public'],
  ['223.255.255.255', 'public'],
  ['93.184.216.34', 'public'],
  ['::ffff:93.184.216.34', 'public'],
  ['64:ff9b::5db8:d822', 'public'],
  ['2002:5db8:d822::1', 'public'],
  ['2606:4700::1111', 'public'],
  ['2a00:1450:4001:80b::200e', 'public'],
];

describe('classifyAddress', () => {
  it.each(CLASSES)('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  const octet = fc.integer({ min: 0, max: 255 });
  const v4 = (a: number, b: number, c: number, d: number): string => `${a}.${b}.${c}.${d}`;
  const hex = (a: number, b: number, c: number, d: number): string =>
    `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;

  it.each([
    ['10.0.0.0/8', fc.tuple(fc.constant(10), octet, octet, octet), 'private'],
    ['127.0.0.0/8', fc.tuple(fc.constant(127), octet, octet, octet), 'loopback'],
    ['172.16.0.0/12', fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), octet, octet), 'private'],
    ['192.168.0.0/16', fc.tuple(fc.constant(192), fc.constant(168), octet, octet), 'private'],
    [
      '100.64.0.0/10',
      fc
        .tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), octet, octet)
        .filter(([, b, c, d]) => !(b === 100 && c === 100 && d === 200)),
      'shared-address-space',
    ],
    [
      '169.254.0.0/16',
      fc
        .tuple(fc.constant(169), fc.constant(254), octet, octet)
        .filter(([, , c, d]) => !(c === 169 && d === 254) && !(c === 170 && d === 2)),
      'link-local',
    ],
    [
      '0.0.0.0/8',
      fc.tuple(fc.constant(0), octet, octet, octet).filter((t) => t.some((n) => n !== 0)),
      'this-network',
    ],
    ['224.0.0.0/4', fc.tuple(fc.integer({ min: 224, max: 239 }), octet, octet, octet), 'multicast'],
  ] as const)(
    'every address in %s is refused, written as IPv4, IPv4-mapped IPv6 (both forms) and NAT64',
    (_range, addresses, expected) => {
      fc.assert(
        fc.property(addresses, ([a, b, c, d]) => {
          expect(classifyAddress(v4(a, b, c, d))).toBe(expected);
          expect(classifyAddress(`::ffff:${v4(a, b, c, d)}`)).toBe(expected);
          expect(classifyAddress(`::ffff:${hex(a, b, c, d)}`)).toBe(expected);
          expect(classifyAddress(`64:ff9b::${hex(a, b, c, d)}`)).toBe(expected);
        }),
      );
    },
  );

  it('refuses every address in fc00::/7 and fe80::/10', () => {
    const group = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
    const tail = fc.array(group, { minLength: 7, maxLength: 7 }).map((groups) => groups.join(':'));
    fc.assert(
      fc.property(fc.integer({ min: 0xfc00, max: 0xfdff }), tail, (first, rest) => {
        const address = `${first.toString(16)}:${rest}`;
        expect(['private', 'metadata']).toContain(classifyAddress(address));
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0xfe80, max: 0xfebf }), tail, (first, rest) => {
        expect(classifyAddress(`${first.toString(16)}:${rest}`)).toBe('link-local');
      }),
    );
  });
});

describe('resolveAndCheck (at delivery)', () => {
  it('passes a host whose every address is public, with the addresses to connect to', async () => {
    const dns = fakeDns({ 'hooks.kommune.dk': ['93.184.216.34', '2606:4700::1111'] });
    const result = await resolveAndCheck('https://hooks.kommune.dk/x', STRICT, dns);
    expect(result).toMatchObject({
      ok: true,
      hostname: 'hooks.kommune.dk',
      addresses: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:4700::1111', family: 6 },
      ],
    });
  });

  it.each([
    ['127.0.0.1'],
    ['10.1.2.3'],
    ['172.20.0.5'],
    ['192.168.0.10'],
    ['169.254.169.254'],
    ['100.64.1.1'],
    ['0.0.0.0'],
    ['::1'],
    ['fd00::1'],
    ['fe80::1'],
    ['::ffff:127.0.0.1'],
    ['ff02::1'],
    ['::'],
  ])('refuses a host that resolves to %s', async (address) => {
    const dns = fakeDns({ 'hooks.evil.example': [address] });
    expect(await resolveAndCheck('https://hooks.evil.example/x', STRICT, dns)).toMatchObject({
      ok: false,
      code: 'webhook-destination-refused',
      field: 'channel.url',
    });
  });

  it('refuses a host when one of its addresses is refused, even if the first is public', async () => {
    const dns = fakeDns({ 'hooks.evil.example': ['93.184.216.34', '10.0.0.5'] });
    const result = await resolveAndCheck('https://hooks.evil.example/x', STRICT, dns);
    expect(result).toMatchObject({ ok: false, code: 'webhook-destination-refused' });
    expect(!result.ok && result.message).toContain('10.0.0.5');
  });

  it('never asks DNS about an IP literal', async () => {
    const dns = fakeDns({});
    expect(await resolveAndCheck('https://93.184.216.34/x', STRICT, dns)).toMatchObject({
      ok: true,
      addresses: [{ address: '93.184.216.34', family: 4 }],
    });
    expect(await resolveAndCheck('https://[2606:4700::1111]/x', STRICT, dns)).toMatchObject({
      ok: true,
      hostname: '2606:4700::1111',
    });
    expect(dns.calls).toEqual([]);
  });

  it('reports a name that does not resolve as unresolvable, with the resolver code only', async () => {
    const result = await resolveAndCheck('https://nowhere.example/x', STRICT, fakeDns({}));
    expect(result).toEqual({
      ok: false,
      code: 'webhook-destination-unresolvable',
      field: 'channel.url',
      message: 'the host name could not be resolved (ENOTFOUND)',
    });
    expect(
      await resolveAndCheck('https://empty.example/x', STRICT, fakeDns({ 'empty.example': [] })),
    ).toMatchObject({ ok: false, code: 'webhook-destination-unresolvable' });
  });

  it('checks the syntax again: a policy that no longer allows http refuses before resolving', async () => {
    const dns = fakeDns({ 'hooks.kommune.dk': ['93.184.216.34'] });
    expect(await resolveAndCheck('http://hooks.kommune.dk/x', STRICT, dns)).toMatchObject({
      ok: false,
      code: 'webhook-url-not-https',
    });
    expect(dns.calls).toEqual([]);
  });

  describe('ALERT_ALLOWED_NETWORKS', () => {
    const dns = fakeDns({
      'receiver.intern': ['10.20.1.5'],
      'other.intern': ['10.30.1.5'],
      'v6.intern': ['fd00:20::5'],
      'mapped.intern': ['::ffff:10.20.9.9'],
      'loop.intern': ['127.0.0.1', '::1'],
      'sneaky.intern': ['169.254.169.254'],
    });
    const policy: DestinationPolicy = {
      allowHttp: false,
      allowedNetworks: ['10.20.0.0/16', 'fd00:20::/32', 'loop.intern', '10.0.0.0/40'],
    };

    it.each([
      ['receiver.intern', true],
      ['other.intern', false],
      ['v6.intern', true],
      ['mapped.intern', true],
      ['loop.intern', true],
    ])('%s allowed: %s', async (host, allowed) => {
      expect((await resolveAndCheck(`https://${host}/x`, policy, dns)).ok).toBe(allowed);
    });

    it('never allows a metadata endpoint, even inside an allowed range or behind an allowed name', async () => {
      const wide = {
        allowHttp: false,
        allowedNetworks: ['169.254.0.0/16', 'sneaky.intern', '100.64.0.0/10'],
      };
      expect(await resolveAndCheck('https://sneaky.intern/x', wide, dns)).toMatchObject({
        ok: false,
        code: 'webhook-destination-refused',
        message: expect.stringContaining('cloud metadata endpoint'),
      });
      expect((await resolveAndCheck('https://169.254.169.254/x', wide, dns)).ok).toBe(false);
      expect((await resolveAndCheck('https://100.100.100.200/x', wide, dns)).ok).toBe(false);
      expect((await resolveAndCheck('https://169.254.1.1/x', wide, dns)).ok).toBe(true);
    });

    it('reports the entries that allow nothing', () => {
      expect(
        invalidAllowedNetworks([
          '10.20.0.0/16',
          'fd00::/8',
          '127.0.0.1',
          '::1',
          'receiver.intern',
          'receiver.intern.',
          '10.0.0.0/33',
          '::/129',
          '1.2.3',
          '10.0.0.0/',
          'bad_name',
          '-x.dk',
        ]),
      ).toEqual(['10.0.0.0/33', '::/129', '1.2.3', '10.0.0.0/', 'bad_name', '-x.dk']);
    });
  });
});

describe('pinnedLookup (no rebinding between check and connect)', () => {
  const destination: CheckedDestination = {
    ok: true,
    url: new URL('https://hooks.kommune.dk/x'),
    hostname: 'hooks.kommune.dk',
    addresses: [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:4700::1111', family: 6 },
    ],
  };

  function ask(
    hostname: string,
    options: object,
  ): Promise<{ error: unknown; address: unknown; family: unknown }> {
    return new Promise((resolve) => {
      pinnedLookup(destination)(hostname, options, (error, address, family) =>
        resolve({ error, address, family }),
      );
    });
  }

  it('answers with the checked addresses, whatever DNS would say now', async () => {
    expect(await ask('hooks.kommune.dk', {})).toEqual({ error: null, address: '93.184.216.34', family: 4 });
    expect(await ask('HOOKS.kommune.dk.', { all: true })).toEqual({
      error: null,
      address: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:4700::1111', family: 6 },
      ],
      family: undefined,
    });
    expect(await ask('hooks.kommune.dk', { family: 6 })).toMatchObject({
      address: '2606:4700::1111',
      family: 6,
    });
    expect(await ask('hooks.kommune.dk', { family: 'IPv4', all: true })).toMatchObject({
      address: [{ address: '93.184.216.34', family: 4 }],
    });
  });

  it('resolves no other name', async () => {
    const answer = await ask('internal.example', {});
    expect(answer.error).toMatchObject({ code: 'ENOTFOUND' });
  });

  it('a second resolution that would answer differently is never made', async () => {
    let answers = 0;
    const rebinding: AddressLookup = async () =>
      answers++ === 0 ? [{ address: '93.184.216.34', family: 4 }] : [{ address: '127.0.0.1', family: 4 }];
    const checked = await resolveAndCheck('https://rebind.example/x', STRICT, rebinding);
    if (!checked.ok) throw new Error(checked.message);
    const connectTo = await new Promise((resolve) =>
      pinnedLookup(checked)('rebind.example', {}, (_error, address) => resolve(address)),
    );
    expect(connectTo).toBe('93.184.216.34');
    expect(answers).toBe(1);
    // Asking the resolver again now would have pointed the connection at the loopback interface.
    expect(await rebinding('rebind.example')).toEqual([{ address: '127.0.0.1', family: 4 }]);
  });
});
