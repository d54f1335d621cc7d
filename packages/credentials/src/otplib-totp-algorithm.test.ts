import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { OtplibTotpAlgorithm } from './otplib-totp-algorithm.js';

describe('OtplibTotpAlgorithm', () => {
  const totp = new OtplibTotpAlgorithm();
  const at = new Date('2026-11-29T12:00:10Z');
  const step = Math.floor(at.getTime() / 30_000);
  const codeAt = (secret: string, offsetSteps: number) => generate({ secret, epoch: (step + offsetSteps) * 30 });

  it('ACC-4 accepts the current code and one step of drift, and says which step matched', async () => {
    const secret = totp.generateSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await totp.matchTimeStep(secret, await codeAt(secret, 0), at, null)).toBe(step);
    expect(await totp.matchTimeStep(secret, await codeAt(secret, -1), at, null)).toBe(step - 1);
    expect(await totp.matchTimeStep(secret, await codeAt(secret, 1), at, null)).toBe(step + 1);
    expect(await totp.matchTimeStep(secret, await codeAt(secret, 3), at, null)).toBeNull();
    expect(await totp.matchTimeStep(secret, 'abcdef', at, null)).toBeNull();
    expect(await totp.matchTimeStep(totp.generateSecret(), await codeAt(secret, 0), at, null)).toBeNull();
  });

  it('ACC-4 refuses a step at or before the last one used (replay)', async () => {
    const secret = totp.generateSecret();
    expect(await totp.matchTimeStep(secret, await codeAt(secret, 0), at, step)).toBeNull();
    expect(await totp.matchTimeStep(secret, await codeAt(secret, 1), at, step)).toBe(step + 1);
  });

  it('ACC-4 writes an otpauth URI authenticator apps read', () => {
    const uri = totp.keyUri({ issuer: 'Charter', accountName: 'ada@example.com', secret: 'JBSWY3DPEHPK3PXP' });
    expect(uri).toMatch(/^otpauth:\/\/totp\/Charter:ada%40example\.com\?/);
    expect(new URL(uri).searchParams.get('secret')).toBe('JBSWY3DPEHPK3PXP');
    expect(new URL(uri).searchParams.get('issuer')).toBe('Charter');
  });
});
