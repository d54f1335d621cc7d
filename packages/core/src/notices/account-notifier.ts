import type { RequestOrigin } from '../accounts/legal-acceptance.js';
import type { Logger } from '../shared/logger.js';
import { composeEmail } from './account-email-templates.js';
import type { EmailMessage, Mailer } from './mailer.js';

/** Emails about a person's own account: verification, recovery and security notices (ACC-1, ACC-3, ACC-8). */
export class AccountNotifier {
  readonly #mailer: Mailer;
  readonly #logger: Logger;
  readonly #publicUrl: () => string;
  readonly #inflight = new Set<Promise<void>>();

  /** `publicUrl` may be a function: the address is known only once the server listens. */
  constructor(options: { mailer: Mailer; logger: Logger; publicUrl: string | (() => string) }) {
    this.#mailer = options.mailer;
    this.#logger = options.logger;
    const publicUrl = options.publicUrl;
    this.#publicUrl = typeof publicUrl === 'string' ? () => publicUrl : publicUrl;
  }

  /** A link into the web app; tokens go in the fragment so they never reach a server log or a Referer. */
  link(path: string, token?: string): string {
    return `${this.#publicUrl().replace(/\/+$/, '')}${path}${token ? `#token=${encodeURIComponent(token)}` : ''}`;
  }

  emailVerification(to: string, token: string): void {
    this.#send(composeEmail({
      to,
      subject: 'Verify your email address',
      paragraphs: ['Welcome to Charter. Confirm that this address is yours to finish setting up your account.', 'The link works once and expires in 24 hours. If you did not sign up, ignore this email.'],
      action: { label: 'Verify email address', url: this.link('/verify-email', token) },
    }));
  }

  passwordReset(to: string, token: string): void {
    this.#send(composeEmail({
      to,
      subject: 'Reset your password',
      paragraphs: ['Someone asked to reset the password of your Charter account. If it was you, choose a new password with the link below.', 'The link works once and expires in one hour. Resetting signs you out everywhere. If it was not you, ignore this email: your password stays as it is.'],
      action: { label: 'Choose a new password', url: this.link('/reset-password', token) },
    }));
  }

  newSignIn(to: string, origin: RequestOrigin, at: Date, compromiseToken: string): void {
    this.#send(composeEmail({
      to,
      subject: 'New sign-in to your account',
      paragraphs: [
        `Your Charter account was signed in to from a new device at ${at.toISOString()} (UTC).`,
        `Address: ${origin.ipAddress}. Browser: ${origin.userAgent ?? 'unknown'}.`,
        'If this was you, there is nothing to do. If it was not, lock your account now: every session and API key stops working and we send you a link to recover it.',
      ],
      action: { label: "This wasn't me", url: this.link('/report-compromise', compromiseToken) },
    }));
  }

  passwordChanged(to: string): void {
    this.#send(composeEmail({
      to,
      subject: 'Your password was changed',
      paragraphs: ['The password of your Charter account was just changed, and your other sessions were signed out.', 'If you did not do this, reset your password at once and report it from the sign-in page.'],
      action: { label: 'Reset password', url: this.link('/reset-password') },
    }));
  }

  apiKeyCreated(to: string, keyName: string, prefix: string): void {
    this.#send(composeEmail({
      to,
      subject: 'A new API key was created',
      paragraphs: [`A new API key "${keyName}" (${prefix}…) was created for your Charter account.`, 'If you did not create it, revoke it in your API key settings and report the compromise.'],
      action: { label: 'Review API keys', url: this.link('/settings/api-keys') },
    }));
  }

  secondFactorChanged(to: string, isEnabled: boolean): void {
    this.#send(composeEmail({
      to,
      subject: isEnabled ? 'Two-factor authentication is on' : 'Two-factor authentication was turned off',
      paragraphs: [
        isEnabled ? 'Two-factor authentication was turned on for your Charter account.' : 'Two-factor authentication was turned off for your Charter account.',
        'If you did not do this, reset your password and report the compromise at once.',
      ],
      action: { label: 'Security settings', url: this.link('/settings/security') },
    }));
  }

  /** A recovery code stood in for the authenticator (ACC-4): the holder should know, and know how many are left. */
  recoveryCodeUsed(to: string, at: Date, remaining: number): void {
    this.#send(composeEmail({
      to,
      subject: 'A recovery code was used',
      paragraphs: [
        `A recovery code was used in place of your authenticator app for your Charter account at ${at.toISOString()} (UTC). ${remaining === 1 ? '1 recovery code is' : `${remaining} recovery codes are`} left.`,
        'If this was you and your authenticator is gone, set up two-factor authentication again and create new recovery codes. If it was not you, reset your password at once and report the compromise from the sign-in page.',
      ],
      action: { label: 'Security settings', url: this.link('/settings/security') },
    }));
  }

  accountLocked(to: string, recoveryToken: string): void {
    this.#send(composeEmail({
      to,
      subject: 'Your account is locked',
      paragraphs: [
        'You reported that someone else used your Charter account. We locked it: every session was signed out and every API key revoked.',
        'To recover the account, choose a new password with the link below (it works once and expires in 24 hours). Then create new API keys.',
      ],
      action: { label: 'Recover my account', url: this.link('/reset-password', recoveryToken) },
    }));
  }

  accountDeleted(to: string): void {
    this.#send(composeEmail({
      to,
      subject: 'Your account was deleted',
      paragraphs: ['Your Charter account was deleted at your request. You can no longer sign in, and its API keys no longer work.', 'Amounts already due stay due. Your personal data is erased or anonymised as the privacy policy describes.'],
    }));
  }

  /** Send any composed message in the background (used by other capabilities' notices). */
  send(message: EmailMessage): void {
    this.#send(message);
  }

  /** Wait for the emails still being sent (graceful shutdown). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#inflight]);
  }

  // Sending never delays or fails the request that caused it: a failed email is logged (never its
  // content, which may hold a token) and the person can ask again.
  #send(message: EmailMessage): void {
    const sending = this.#mailer.send(message).catch((error: unknown) => {
      this.#logger.error({ err: error, subject: message.subject }, 'could not send email');
    });
    this.#inflight.add(sending);
    void sending.finally(() => this.#inflight.delete(sending));
  }
}
