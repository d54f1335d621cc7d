import { setTimeout as sleep } from 'node:timers/promises';
import { generate } from 'otplib';

const periodMs = 30_000;

/**
 * A person's authenticator app for tests that drive a started server or a browser: codes from the secret that
 * setup showed. The server accepts one step of drift either way and never the same step twice, so each call
 * hands out the next step not yet used, waiting for the clock only when the window's three steps are spent.
 */
export class TotpAuthenticator {
  readonly secret: string;
  #lastStep = Number.NEGATIVE_INFINITY;

  constructor(secret: string) {
    this.secret = secret.replace(/\s+/g, '');
  }

  async freshCode(): Promise<string> {
    for (;;) {
      const now = Date.now();
      const current = Math.floor(now / periodMs);
      // The previous step only while the server's clock cannot leave the current step before the request lands.
      const earliest = now - current * periodMs < 20_000 ? current - 1 : current;
      const step = Math.max(this.#lastStep + 1, earliest);
      if (step <= current + 1) {
        this.#lastStep = step;
        return generate({ secret: this.secret, epoch: step * (periodMs / 1000) });
      }
      await sleep((step - 1) * periodMs - now + 100);
    }
  }
}
