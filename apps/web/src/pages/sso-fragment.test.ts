import { describe, expect, it } from 'vitest';
import en from '../i18n/en.json';
import zhCN from '../i18n/zh-CN.json';
import { readSsoFragment, ssoErrorCodes } from './sso-fragment.js';

function lookup(messages: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), messages);
}

describe('readSsoFragment', () => {
  it('ACC-5 maps each sso_error code the server sends to its own message', () => {
    expect(readSsoFragment('#sso_error=email_in_use&provider=google')).toEqual({ errorKey: 'ssoErrors.email_in_use', provider: 'google', linkedProvider: null });
    expect(readSsoFragment('sso_error=identity_blocked').errorKey).toBe('ssoErrors.identity_blocked');
    const keys = new Set(ssoErrorCodes.map((code) => readSsoFragment(`#sso_error=${code}`).errorKey));
    expect(keys.size).toBe(ssoErrorCodes.length);
  });

  it('ACC-5 words an unknown or forged code generically, never with text from the URL', () => {
    expect(readSsoFragment('#sso_error=Your+account+is+frozen.+Call+0900').errorKey).toBe('ssoErrors.unknown');
    expect(readSsoFragment('#sso_error=account_locked').errorKey).toBe('ssoErrors.unknown');
  });

  it('ACC-5 reads a successful link and ignores unrelated fragments', () => {
    expect(readSsoFragment('#sso_linked=github')).toEqual({ errorKey: null, provider: null, linkedProvider: 'github' });
    expect(readSsoFragment('')).toEqual({ errorKey: null, provider: null, linkedProvider: null });
    expect(readSsoFragment('#token=abc').errorKey).toBeNull();
  });

  it('WEB-4 every SSO message exists in English and Simplified Chinese', () => {
    for (const code of [...ssoErrorCodes, 'unknown']) {
      expect(typeof lookup(en, `ssoErrors.${code}`), `en ${code}`).toBe('string');
      expect(typeof lookup(zhCN, `ssoErrors.${code}`), `zh-CN ${code}`).toBe('string');
    }
  });
});
