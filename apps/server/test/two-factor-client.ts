import { setTimeout as sleep } from 'node:timers/promises';
import { generate } from 'otplib';
import type { FastifyInstance } from 'fastify';
import type { SmtpSink } from '@charter/testing';
import { registerVerified, type TestBrowser } from './browser-client.js';

const periodMs = 30_000;

/**
 * The person's authenticator app in tests: codes from the secret setup returned, with the same library. The
 * server accepts one step of drift either way and never the same step twice, so each call hands out the next
 * step it has not seen, waiting for the clock only when all three steps of the window are spent.
 */
export class TestAuthenticator {
  readonly secret: string;
  #lastStep = Number.NEGATIVE_INFINITY;

  constructor(secret: string) {
    this.secret = secret;
  }

  async freshCode(): Promise<string> {
    for (;;) {
      const now = Date.now();
      const current = Math.floor(now / periodMs);
      const intoStepMs = now - current * periodMs;
      // The previous step only while the server's clock cannot leave the current step before the request lands.
      const earliest = intoStepMs < 20_000 ? current - 1 : current;
      const step = Math.max(this.#lastStep + 1, earliest);
      if (step <= current + 1) {
        this.#lastStep = step;
        return generate({ secret: this.secret, epoch: step * (periodMs / 1000) });
      }
      await sleep((step - 1) * periodMs - now + 100);
    }
  }

  /** Six digits that are no valid code right now (none of the window's three). */
  async wrongCode(): Promise<string> {
    const current = Math.floor(Date.now() / periodMs);
    const valid = await Promise.all([current - 2, current - 1, current, current + 1, current + 2].map((step) => generate({ secret: this.secret, epoch: step * (periodMs / 1000) })));
    return ['000000', '111111', '222222', '333333', '444444', '555555'].find((candidate) => !valid.includes(candidate))!;
  }

  /** The code of the last step handed out (already used, so a replay). */
  lastCode(): Promise<string> {
    return generate({ secret: this.secret, epoch: this.#lastStep * (periodMs / 1000) });
  }
}

/** A verified, signed-in person with two-factor authentication on. */
export async function registerWithTwoFactor(app: FastifyInstance, mail: SmtpSink, browser?: TestBrowser) {
  const person = await registerVerified(app, mail, {}, browser);
  const setup = await person.browser.post('/api/v1/account/two-factor/setup', { password: person.fields.password });
  if (setup.statusCode !== 200) throw new Error(`setup failed: ${setup.statusCode} ${setup.body}`);
  const authenticator = new TestAuthenticator(setup.json<{ secret: string }>().secret);
  const enabled = await person.browser.post('/api/v1/account/two-factor/enable', { code: await authenticator.freshCode() });
  if (enabled.statusCode !== 200) throw new Error(`enable failed: ${enabled.statusCode} ${enabled.body}`);
  return { ...person, authenticator, recoveryCodes: enabled.json<{ codes: string[] }>().codes };
}
