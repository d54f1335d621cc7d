import { describe, expect, it } from 'vitest';
import { localReturnPath } from './local-return-path.js';

describe('localReturnPath', () => {
  it('ACC-5 keeps paths on this site, without the fragment', () => {
    expect(localReturnPath('/chat')).toBe('/chat');
    expect(localReturnPath('/settings/security?tab=sso#x')).toBe('/settings/security?tab=sso');
    expect(localReturnPath('/a/../b')).toBe('/b');
  });

  it('ACC-5 refuses anything a browser could read as another origin', () => {
    for (const candidate of ['https://evil.example', '//evil.example', '/\\evil.example', '\\\\evil.example', '/\t/evil.example', '/\n/evil.example', 'evil.example', 'javascript:alert(1)', '', null, undefined, `/${'a'.repeat(2000)}`]) {
      expect(localReturnPath(candidate, '/home'), String(candidate)).toBe('/home');
    }
  });
});
