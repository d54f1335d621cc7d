import { describe, expect, it } from 'vitest';
import { tamperedToken } from './tampered-token.js';

describe('tamperedToken', () => {
  it('always changes the token, whatever its first character, and keeps its length', () => {
    for (const token of ['AAAA', 'BAAA', 'xyz_123', 'A', '-_']) {
      const changed = tamperedToken(token);
      expect(changed).not.toBe(token);
      expect(changed.length).toBe(token.length);
      expect(changed.slice(1)).toBe(token.slice(1));
    }
    expect(() => tamperedToken('')).toThrow();
  });
});
