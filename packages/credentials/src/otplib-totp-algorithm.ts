import type { TotpAlgorithm } from '@charter/core';
import { generateSecret, generateURI, verify } from 'otplib';

const periodSeconds = 30;

/** `TotpAlgorithm` over otplib: RFC 6238 with SHA-1, 6 digits, 30 s steps, ±1 step of drift. */
export class OtplibTotpAlgorithm implements TotpAlgorithm {
  generateSecret(): string {
    // 20 bytes (160 bits), the HMAC-SHA-1 block the RFC recommends.
    return generateSecret({ length: 20 });
  }

  keyUri(options: { issuer: string; accountName: string; secret: string }): string {
    return generateURI({ issuer: options.issuer, label: options.accountName, secret: options.secret, period: periodSeconds, digits: 6, algorithm: 'sha1' });
  }

  async matchTimeStep(secret: string, code: string, at: Date, afterTimeStep: number | null): Promise<number | null> {
    // otplib throws on anything but six digits; that is simply a wrong code here.
    if (!/^\d{6}$/.test(code)) return null;
    const result = await verify({
      secret,
      token: code,
      epoch: Math.floor(at.getTime() / 1000),
      period: periodSeconds,
      epochTolerance: periodSeconds,
      ...(afterTimeStep === null ? {} : { afterTimeStep }),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  }
}
