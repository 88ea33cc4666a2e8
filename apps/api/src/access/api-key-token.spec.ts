import {
  apiKeySecretMatches,
  generateApiKey,
  hashApiKeySecret,
  isApiKeyId,
  parseApiKeyToken,
} from './api-key-token';

describe('API key tokens', () => {
  it('are fv_<12-character key id>_<43-character base64url secret>, stored as the secret’s SHA-256', () => {
    const key = generateApiKey();
    expect(key.token).toMatch(/^fv_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(key.token).toBe(`fv_${key.keyId}_${key.secret}`);
    expect(Buffer.from(key.secret, 'base64url')).toHaveLength(32);
    expect(key.secretHash).toBe(hashApiKeySecret(key.secret));
    expect(key.secretHash).not.toContain(key.secret);
    expect(isApiKeyId(key.keyId)).toBe(true);
  });

  it('are different every time', () => {
    const keys = Array.from({ length: 200 }, () => generateApiKey());
    expect(new Set(keys.map((key) => key.keyId)).size).toBe(200);
    expect(new Set(keys.map((key) => key.secret)).size).toBe(200);
  });

  it('parse back into key id and secret, even when the secret contains _ and -', () => {
    const secret = `_-${'a'.repeat(39)}_-`;
    expect(parseApiKeyToken(`fv_Ab3dEf6hIj9k_${secret}`)).toEqual({ keyId: 'Ab3dEf6hIj9k', secret });
    const key = generateApiKey();
    expect(parseApiKeyToken(key.token)).toEqual({ keyId: key.keyId, secret: key.secret });
  });

  it.each([
    '',
    'fv_',
    `Bearer fv_Ab3dEf6hIj9k_${'a'.repeat(43)}`,
    `fv_Ab3dEf6hIj9k_${'a'.repeat(42)}`,
    `fv_Ab3dEf6hIj9k_${'a'.repeat(44)}`,
    `fv_Ab3dEf6hIj9_${'a'.repeat(43)}`,
    `fv_Ab3dEf6hIj9k-${'a'.repeat(43)}`,
    `FV_Ab3dEf6hIj9k_${'a'.repeat(43)}`,
    `fv_Ab3dEf6hIj9k_${'a'.repeat(42)}=`,
    `fv_Ab3dEf6hIj9k_${'a'.repeat(43)}\n`,
  ])('refuse the malformed token %j', (token) => {
    expect(parseApiKeyToken(token)).toBeUndefined();
  });

  it('match only the right secret', () => {
    const key = generateApiKey();
    const other = generateApiKey();
    expect(apiKeySecretMatches(key.secret, key.secretHash)).toBe(true);
    expect(apiKeySecretMatches(other.secret, key.secretHash)).toBe(false);
    expect(apiKeySecretMatches(key.secret, '')).toBe(false);
    expect(apiKeySecretMatches(key.secret, 'short')).toBe(false);
  });
});
