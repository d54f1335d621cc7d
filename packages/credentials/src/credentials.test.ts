import { describe, expect, it } from 'vitest';
import { Argon2PasswordHasher } from './argon2-password-hasher.js';
import { ZxcvbnPasswordRules } from './zxcvbn-password-rules.js';

describe('credentials', () => {
  it('ACC-3 hashes with Argon2id, salted, and verifies only the right password', async () => {
    const hasher = new Argon2PasswordHasher();
    const first = await hasher.hash('correct horse battery staple');
    const second = await hasher.hash('correct horse battery staple');
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(first).not.toBe(second);
    expect(await hasher.verify(first, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(first, 'correct horse battery stapler')).toBe(false);
    expect(await hasher.verify('not a hash', 'anything')).toBe(false);
  });

  it('ACC-3 rejects common passwords, keyboard patterns and the person’s own name or email', () => {
    const rules = new ZxcvbnPasswordRules();
    const context = { email: 'marguerite.dupont@example.com', displayName: 'Marguerite Dupont' };
    for (const weak of ['password1234', 'qwertyuiop12', '1q2w3e4r5t6y', 'iloveyou2020', 'marguerite.dupont', 'MargueriteDupont1']) {
      expect(rules.weakness(weak, context), weak).toMatch(/too easy to guess|from your name or email/);
    }
    for (const strong of ['violet-tundra-pancake-orbit', 'Xk7#qp2!Lm9$wz', 'my cat eats 3 lemons at dawn']) {
      expect(rules.weakness(strong, context), strong).toBeNull();
    }
  });
});
