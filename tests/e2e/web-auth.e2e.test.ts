import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, startSmtpSink, startTestOidcProvider, tokenFromEmail, TotpAuthenticator, type SmtpSink, type TestOidcProvider } from '@charter/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, pageScrollWidth, screenshot, seriousAccessibilityViolations } from './browser.js';
import { startCharter, type StartedCharter } from './start-charter.js';

// The accounts flows of the web app in headless Chromium (issue 5 items 2 and 7): two-factor authentication with
// an authenticator computed from the secret the page shows, recovery codes, the customer profile, and single
// sign-on through a real OpenID Connect provider (`oidc-provider`) configured into the started server.
const providerId = 'test-oidc';
const password = 'violet-tundra-pancake-orbit';

describe('web app accounts flows in Chromium', () => {
  let charter: StartedCharter;
  let mail: SmtpSink;
  let oidc: TestOidcProvider;
  let browser: Browser;
  let configDirectory: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    mail = await startSmtpSink();
    // The provider must know the callback URL before the server starts, so the server gets a port chosen here.
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    oidc = await startTestOidcProvider({ redirectUris: [`${publicUrl}/api/v1/auth/sso/${providerId}/callback`] });
    configDirectory = await mkdtemp(path.join(tmpdir(), 'charter-e2e-config-'));
    const configPath = path.join(configDirectory, 'charter.json');
    const provider = { id: providerId, kind: 'oidc', displayName: 'Test OIDC', issuer: oidc.issuer, clientId: oidc.clientId, clientSecret: oidc.clientSecret, allowInsecureHttp: true };
    await writeFile(configPath, JSON.stringify({ accounts: { sso: { providers: [provider] } } }));
    charter = await startCharter({ CHARTER_SMTP_URL: mail.url, CHARTER_CONFIG: configPath, CHARTER_PUBLIC_URL: publicUrl }, { port });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await charter?.stop();
    await oidc?.close();
    await mail?.close();
    if (configDirectory) await rm(configDirectory, { recursive: true, force: true });
  });

  async function newPage(): Promise<{ page: Page; pageErrors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    contexts.push(context);
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return { page, pageErrors };
  }

  /** Screenshot, axe, then the same page at 390 px: no sideways scrolling. */
  async function checkPage(page: Page, name: string): Promise<void> {
    await screenshot(page, name);
    expect(await seriousAccessibilityViolations(page), name).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => pageScrollWidth(page), { message: `${name} at 390 px` }).toBeLessThanOrEqual(390);
    await screenshot(page, `${name}-phone`);
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  const signOut = async (page: Page) => {
    await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
  };
  /** From a fresh sign-in page (optionally with a `return_to`), so where the page goes afterwards is known. */
  const signInWithPassword = async (page: Page, email: string, returnTo?: string) => {
    await page.goto(`${charter.baseUrl}/sign-in${returnTo ? `?return_to=${encodeURIComponent(returnTo)}` : ''}`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  };
  const isSignedIn = (page: Page) => page.getByRole('banner').getByRole('link', { name: 'Settings' }).waitFor();
  const openSecurity = async (page: Page) => {
    await page.goto(`${charter.baseUrl}/settings/security`);
    await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
  };

  it('ACC-4 WEB-2 enable 2FA in the UI, sign in with a code and with a recovery code once, then turn it off', async () => {
    const { page, pageErrors } = await newPage();
    const email = `web-2fa-${Date.now()}@example.com`;

    // Register and verify through the SMTP sink.
    await page.goto(`${charter.baseUrl}/register`);
    await page.getByLabel('Name', { exact: true }).fill('Ada Twofactor');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByLabel('Date of birth').fill('1990-04-12');
    await page.getByLabel('Country of residence').selectOption('DE');
    await page.getByLabel(/I accept the Terms of Service/).check();
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Verify your email address to create API keys.').waitFor();
    const verification = await mail.waitFor((message) => message.to.includes(email) && message.subject === 'Verify your email address');
    await page.goto(`${charter.baseUrl}/verify-email#token=${encodeURIComponent(tokenFromEmail(verification))}`);
    await page.getByText('Your email address is verified.').waitFor();

    // Customer profile (ACC-6): saved, shown back, verification read-only.
    await page.goto(`${charter.baseUrl}/settings/profile`);
    await page.getByRole('heading', { name: 'Customer details' }).waitFor();
    await page.getByLabel('Full name').fill('Ada Lovelace');
    await page.getByLabel('Phone').fill('not a phone');
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('Enter a phone number of digits').waitFor();
    await page.getByLabel('Phone').fill('+49 30 1234567');
    await page.getByLabel('Company', { exact: true }).fill('Engines Ltd');
    await page.getByLabel('City').fill('Berlin');
    await page.getByLabel('Country', { exact: true }).selectOption('DE');
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Customer details' }).waitFor();
    await expect.poll(() => page.getByLabel('Phone').inputValue()).toBe('+49 30 1234567');
    expect(await page.getByLabel('City').inputValue()).toBe('Berlin');
    expect(await page.getByTestId('profile-verification').innerText()).toBe('Not verified');
    await checkPage(page, 'auth-01-profile');

    // Enrol: password → QR code and secret → code from the secret shown → ten recovery codes, once.
    await openSecurity(page);
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const setupForm = page.getByRole('form', { name: 'Set up two-factor authentication' });
    await setupForm.getByLabel('Password', { exact: true }).fill('wrong-password-entirely');
    await setupForm.getByRole('button', { name: 'Continue' }).click();
    await setupForm.getByRole('alert').waitFor();
    await setupForm.getByLabel('Password', { exact: true }).fill(password);
    await setupForm.getByRole('button', { name: 'Continue' }).click();
    const qrCode = page.getByRole('img', { name: 'QR code to add Charter to your authenticator app' });
    await qrCode.waitFor();
    expect(await qrCode.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(await qrCode.evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    const authenticator = new TotpAuthenticator(await page.getByTestId('two-factor-secret').innerText());
    await checkPage(page, 'auth-02-two-factor-setup');
    await page.getByLabel('Authentication code').fill(await authenticator.freshCode());
    await page.getByRole('button', { name: 'Turn on' }).click();
    const codeList = page.getByTestId('recovery-codes');
    await codeList.waitFor();
    const recoveryCodes = (await codeList.getByRole('listitem').allInnerTexts()).map((code) => code.trim());
    expect(recoveryCodes).toHaveLength(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/i);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download as text' }).click()]);
    expect(download.suggestedFilename()).toBe('charter-recovery-codes.txt');
    const downloaded = await readFile(await download.path(), 'utf8');
    expect(downloaded).toContain(email);
    for (const code of recoveryCodes) expect(downloaded).toContain(code);
    await checkPage(page, 'auth-03-recovery-codes');
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByText('10 recovery codes left.').waitFor();
    expect(await codeList.count()).toBe(0);

    // Sign out, sign in: the second-factor page asks for a code; a wrong one is refused, a right one signs in.
    await signOut(page);
    await signInWithPassword(page, email, '/settings/profile');
    await page.waitForURL(/\/sign-in\/second-factor#challenge=/);
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    await checkPage(page, 'auth-04-second-factor');
    await page.getByLabel('Authentication code').fill('12345');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Authentication code').fill(await authenticator.freshCode());
    await page.getByRole('button', { name: 'Verify' }).click();
    await isSignedIn(page);
    // The return path survives the second step.
    await page.waitForURL(/\/settings\/profile$/);

    // A recovery code signs in once; the same code a second time does not.
    await signOut(page);
    await signInWithPassword(page, email);
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code').fill(recoveryCodes[0]!.toUpperCase());
    await page.getByRole('button', { name: 'Verify' }).click();
    await isSignedIn(page);
    await signOut(page);
    await signInWithPassword(page, email);
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code').fill(recoveryCodes[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in/second-factor');
    await page.getByRole('button', { name: 'Use a code from the authenticator app' }).click();
    await page.getByLabel('Authentication code').fill(await authenticator.freshCode());
    await page.getByRole('button', { name: 'Verify' }).click();
    await isSignedIn(page);

    // Turn it off with a code; sign-in asks for the password only again.
    await openSecurity(page);
    await page.getByText('9 recovery codes left.').waitFor();
    await page.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
    const disableForm = page.getByRole('form', { name: 'Turn off two-factor authentication' });
    await disableForm.getByLabel('Authentication code or recovery code').fill(await authenticator.freshCode());
    await disableForm.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
    await page.getByText('Two-factor authentication is off.').waitFor();
    await signOut(page);
    await signInWithPassword(page, email);
    await isSignedIn(page);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(pageErrors).toEqual([]);
  }, 360_000);

  it('ACC-5 WEB-2 SSO: the provider button, registration of a new identity, link and unlink, email_in_use, deletion with a code', async () => {
    const { page, pageErrors } = await newPage();
    const tag = `${Date.now()}`;
    const newcomer = { subject: `web-sso-${tag}`, email: `web-sso-${tag}@example.org`, emailVerified: true, name: 'Grace Provider' };

    // A new identity: the button goes through the provider and lands on the registration form.
    oidc.signInAs(newcomer);
    await page.goto(`${charter.baseUrl}/sign-in`);
    const ssoButton = page.getByRole('link', { name: 'Continue with Test OIDC' });
    await ssoButton.waitFor();
    await checkPage(page, 'auth-05-sign-in-sso');
    await ssoButton.click();
    await page.waitForURL(/\/register\/sso#token=/);
    await page.getByTestId('sso-register-identity').getByText(`Signing up with Test OIDC as ${newcomer.email}.`).waitFor();
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Grace Provider');
    await page.getByLabel('Date of birth').fill('1988-03-02');
    await page.getByLabel('Country of residence').selectOption('FR');
    await page.getByLabel(/I accept the Terms of Service/).check();
    await checkPage(page, 'auth-06-register-sso');
    await page.getByRole('button', { name: 'Create account' }).click();
    await isSignedIn(page);

    // The identity is listed; the account has no password, so 2FA setup and deletion rely on the fresh sign-in.
    await openSecurity(page);
    await page.getByText(newcomer.email).waitFor();
    // No password to change: the page offers to set one by email link, and deletion does not ask for one.
    await page.getByRole('heading', { name: 'Set a password' }).waitFor();
    expect(await page.getByLabel('Current password').count()).toBe(0);
    expect(await page.locator('form').filter({ has: page.getByRole('button', { name: 'Delete my account' }) }).getByLabel('Password', { exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Email me a link to set a password' }).click();
    await page.getByRole('status').getByText(`We sent a link to ${newcomer.email}.`, { exact: false }).waitFor();
    await mail.waitFor((message) => message.to.includes(newcomer.email) && message.subject === 'Reset your password');
    await page.getByRole('button', { name: 'Unlink Test OIDC' }).click();
    const lastWayForm = page.getByRole('form', { name: 'Unlink Test OIDC' });
    await lastWayForm.getByRole('button', { name: 'Unlink' }).click();
    await lastWayForm.getByRole('alert').getByText('This is the only way to sign in to your account.', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await checkPage(page, 'auth-07-security-sso');

    // Signing out and in again with the linked identity needs no form.
    await signOut(page);
    await page.getByRole('link', { name: 'Continue with Test OIDC' }).click();
    await isSignedIn(page);

    // An identity whose email belongs to an existing account is neither linked nor signed in.
    const holderEmail = `web-holder-${tag}@example.com`;
    const registered = await fetch(`${charter.baseUrl}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: holderEmail, password, display_name: 'Holder', date_of_birth: '1985-01-01', country: 'DE', accept_terms_version: '2026-11-01', accept_privacy_version: '2026-11-01' }),
    });
    expect(registered.status, await registered.clone().text()).toBe(201);
    const lookalike = { subject: `web-lookalike-${tag}`, email: holderEmail, emailVerified: true, name: 'Holder at the provider' };
    const { page: holderPage, pageErrors: holderErrors } = await newPage();
    oidc.signInAs(lookalike);
    await holderPage.goto(`${charter.baseUrl}/sign-in`);
    await holderPage.getByRole('link', { name: 'Continue with Test OIDC' }).click();
    await holderPage.waitForURL(/\/sign-in#sso_error=email_in_use/);
    await holderPage.getByText('An account already uses the email address of your Test OIDC account.', { exact: false }).waitFor();
    await checkPage(holderPage, 'auth-08-sign-in-email-in-use');

    // The holder signs in with the password and links the provider from the security settings, then unlinks it.
    await signInWithPassword(holderPage, holderEmail);
    await isSignedIn(holderPage);
    await openSecurity(holderPage);
    await holderPage.getByRole('heading', { name: 'Change password' }).waitFor();
    await holderPage.getByRole('link', { name: 'Link Test OIDC' }).click();
    await holderPage.waitForURL(/\/settings\/security#sso_linked=test-oidc/);
    await holderPage.getByText('Test OIDC is now linked to your account.').waitFor();
    await holderPage.getByRole('button', { name: 'Unlink Test OIDC' }).click();
    const unlinkForm = holderPage.getByRole('form', { name: 'Unlink Test OIDC' });
    await unlinkForm.getByLabel('Password', { exact: true }).fill(password);
    await unlinkForm.getByRole('button', { name: 'Unlink' }).click();
    await holderPage.getByText('Test OIDC was unlinked.').waitFor();
    await holderPage.getByText('No provider is linked.').waitFor();
    expect(holderErrors).toEqual([]);

    // The SSO account turns on 2FA without a password (it signed in minutes ago), then deletion asks for a code.
    await openSecurity(page);
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const setupForm = page.getByRole('form', { name: 'Set up two-factor authentication' });
    // No password field to leave empty: the form says the recent sign-in stands in for it.
    await setupForm.getByText('Your account has no password: this needs a sign-in within the last ten minutes.', { exact: false }).waitFor();
    expect(await setupForm.getByLabel('Password', { exact: true }).count()).toBe(0);
    await setupForm.getByRole('button', { name: 'Continue' }).click();
    const authenticator = new TotpAuthenticator(await page.getByTestId('two-factor-secret').innerText());
    await page.getByLabel('Authentication code').fill(await authenticator.freshCode());
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByRole('button', { name: 'I have saved them' }).click();
    const deleteForm = page.locator('form').filter({ has: page.getByRole('button', { name: 'Delete my account' }) });
    await deleteForm.getByLabel('Authentication code').fill('000000');
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.getByRole('alert').first().waitFor();
    expect(new URL(page.url()).pathname).toBe('/settings/security');
    await deleteForm.getByLabel('Authentication code').fill(await authenticator.freshCode());
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.waitForURL(/\/sign-in/);
    // The deleted account's identity no longer signs anyone in.
    oidc.signInAs(newcomer);
    await page.getByRole('link', { name: 'Continue with Test OIDC' }).click();
    await page.waitForURL(/\/sign-in#sso_error=account_unavailable/);
    await page.getByText('This account cannot sign in right now.').waitFor();
    expect(pageErrors).toEqual([]);
  }, 360_000);

  it('WEB-4 the new pages speak Simplified Chinese', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${charter.baseUrl}/sign-in/second-factor`);
    await page.getByRole('heading', { name: '两步验证' }).waitFor();
    await page.goto(`${charter.baseUrl}/sign-in#sso_error=identity_blocked`);
    await page.getByText('此第三方账户不能用于 Charter。').waitFor();
    await page.getByRole('link', { name: '使用 Test OIDC 继续' }).waitFor();
    await screenshot(page, 'auth-09-sign-in-zh');
    await page.goto(`${charter.baseUrl}/register/sso`);
    await page.getByRole('heading', { name: '完成创建账户' }).waitFor();
  }, 60_000);
});
