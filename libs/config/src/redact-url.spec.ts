import { redactUrl, urlLocation, urlScheme } from './redact-url';

describe('redactUrl', () => {
  it.each([
    ['postgres://app:hunter2@db:5432/fristvagt', 'postgres://app:***@db:5432/fristvagt'],
    [
      'postgresql://app:p%40ss@db/fristvagt?sslmode=require',
      'postgresql://app:***@db/fristvagt?sslmode=require',
    ],
    [
      'postgres://app@db/fristvagt?password=hunter2&sslmode=require',
      'postgres://app@db/fristvagt?password=***&sslmode=require',
    ],
    ['esdb://admin:changeit@n1:2113,n2:2113?tls=true', 'esdb://admin:***@n1:2113,n2:2113?tls=true'],
    ['rediss://:hunter2@cache:6380', 'rediss://:***@cache:6380'],
    ['redis://cache:6379', 'redis://cache:6379'],
    ['not a url', 'not a url'],
  ])('masks the secrets of %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('urlScheme', () => {
  it('returns the scheme in lower case, or undefined for a string that is no URL', () => {
    expect(urlScheme('PostgreSQL://db/x')).toBe('postgresql');
    expect(urlScheme('esdb+discover://x')).toBe('esdb+discover');
    expect(urlScheme('db:5432')).toBeUndefined();
  });
});

describe('urlLocation', () => {
  it.each([
    ['postgres://app:hunter2@db:5432/fristvagt?sslmode=require', 5432, 'db:5432/fristvagt'],
    ['postgres://postgres@127.0.0.1:1/x', 5432, '127.0.0.1:1/x'],
    ['postgres://db/fristvagt', 5432, 'db:5432/fristvagt'],
    ['esdb://admin:changeit@n1:2113,n2?tls=false', 2113, 'n1:2113,n2:2113'],
    ['esdb://127.0.0.1:1?tls=false', 2113, '127.0.0.1:1'],
  ])('of %s is %s', (url, defaultPort, expected) => {
    expect(urlLocation(url, defaultPort)).toBe(expected);
  });
});
