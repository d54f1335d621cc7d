import { startSmtpSink, tokenFromEmail, type SmtpSink } from '@charter/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, pageLanguage, pageScrollWidth, screenshot, seriousAccessibilityViolations } from './browser.js';
import { startCharter, type StartedCharter } from './start-charter.js';

// One person's whole journey through the web app in headless Chromium, against a started server with the tiny
// model and a real SMTP sink. Each step depends on the one before, so they run in order in one test.
describe('web app in Chromium', () => {
  let charter: StartedCharter;
  let mail: SmtpSink;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    mail = await startSmtpSink();
    charter = await startCharter({ CHARTER_SMTP_URL: mail.url });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    page = await context.newPage();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await charter?.stop();
    await mail?.close();
  });

  const expectAccessible = async (name: string) => {
    await screenshot(page, name);
    expect(await seriousAccessibilityViolations(page), name).toEqual([]);
  };

  it('WEB-1 sign up → verify → chat with streaming → keys → security → delete account', async () => {
    const email = `e2e-${Date.now()}@example.com`;
    const password = 'violet-tundra-pancake-orbit';
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    const response = await page.goto(charter.baseUrl);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForURL(/\/sign-in/);
    await expectAccessible('01-sign-in');

    await page.getByRole('navigation').getByRole('link', { name: 'Create account' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Ada Example');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByLabel('Date of birth').fill('1990-04-12');
    await page.getByLabel('Country of residence').selectOption('DE');
    await page.getByLabel(/I accept the Terms of Service/).check();
    await expectAccessible('02-register');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Verify your email address to create API keys.').waitFor();

    const verification = await mail.waitFor((message) => message.to.includes(email) && message.subject === 'Verify your email address');
    await page.goto(`${charter.baseUrl}/verify-email#token=${encodeURIComponent(tokenFromEmail(verification))}`);
    await page.getByText('Your email address is verified.').waitFor();
    await page.getByRole('link', { name: 'Continue' }).click();

    // Chat: the tiny story model streams an answer, rendered as Markdown with the AI label.
    await page.getByLabel('Model').waitFor();
    await expect.poll(() => page.getByLabel('Model').inputValue()).toBe('stories260K');
    await page.getByLabel('Message').fill('Once upon a time');
    await page.getByRole('button', { name: 'Send' }).click();
    const answer = page.locator('li.message.assistant').last();
    await answer.locator('.ai-label').waitFor();
    await page.getByRole('button', { name: 'Regenerate' }).waitFor({ timeout: 120_000 });
    await screenshot(page, '03-chat-answer');
    expect((await answer.innerText()).length, await answer.innerText()).toBeGreaterThan(0);
    expect((await answer.locator('.markdown').innerText()).trim().length, await answer.innerText()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Regenerate' }).waitFor({ timeout: 120_000 });
    await expectAccessible('03-chat');

    // Nothing the user (or the model) writes is rendered as HTML.
    await page.getByLabel('Message').fill('<img src=x onerror="window.__pwned=1"> [click](javascript:window.__pwned=2) <script>window.__pwned=3</script>');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('button', { name: 'Regenerate' }).waitFor({ timeout: 120_000 });
    expect(await page.locator('.messages img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();

    // Feedback on an answer (CON-3), stored with the conversation.
    await page.getByRole('button', { name: 'Bad answer' }).first().click();
    await page.getByLabel('What was wrong? (optional)').fill('Not a real story');
    await page.getByRole('button', { name: 'Send feedback' }).click();
    await page.getByText('Thank you for your feedback.').waitFor();

    // Share (CON-2): a public snapshot that a signed-out visitor reads, with the AI label and nothing of the owner.
    await page.getByRole('button', { name: 'Share' }).click();
    const shareUrl = (await page.getByTestId('share-url').innerText()).trim();
    expect(shareUrl).toContain('/share/');
    const visitor = await browser.newContext({ locale: 'en-US' });
    const visitorPage = await visitor.newPage();
    await visitorPage.goto(shareUrl.replace(/^https?:\/\/[^/]+/, charter.baseUrl));
    await visitorPage.getByRole('heading', { name: 'Once upon a time' }).waitFor();
    expect(await visitorPage.locator('li.message.assistant .ai-label').count()).toBeGreaterThan(0);
    expect(await visitorPage.content()).not.toContain(email);
    await screenshot(visitorPage, '03b-shared-conversation');
    expect(await seriousAccessibilityViolations(visitorPage)).toEqual([]);
    await visitor.close();
    await page.getByRole('link', { name: 'Manage shared links' }).click();
    await page.getByRole('heading', { name: 'Shared links' }).waitFor();
    await expectAccessible('03c-shared-links');
    await page.getByRole('link', { name: 'Chat' }).click();

    // API keys: create (shown once), use, revoke.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Name', { exact: true }).fill('laptop');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByTestId('new-api-key').innerText()).trim();
    expect(secret).toMatch(/^sk-ch-/);
    // A key made here has no rate limits of its own: its owner's plan applies.
    await page.getByRole('row', { name: /laptop/ }).getByRole('cell', { name: "Plan's limits" }).waitFor();
    await expectAccessible('04-api-keys');
    const models = await fetch(`${charter.baseUrl}/v1/models`, { headers: { authorization: `Bearer ${secret}` } });
    expect(models.status).toBe(200);
    await page.getByRole('button', { name: 'Done' }).click();

    // Its own limits (API-5), set on the page: two requests a minute, one at a time. The third request is refused
    // on the key while the plan would allow it.
    await page.getByRole('button', { name: 'Edit the key laptop' }).click();
    const editForm = page.getByRole('form', { name: 'Edit the key laptop' });
    await editForm.getByLabel('Requests per minute').fill('2');
    await editForm.getByLabel('Requests at once').fill('1');
    await expectAccessible('04b-api-key-edit');
    await editForm.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('row', { name: /laptop/ }).getByRole('cell', { name: '2 requests/min · 1 at once' }).waitFor();
    const chatWithKey = () =>
      fetch(`${charter.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'stories260K', messages: [{ role: 'user', content: 'Once' }], max_tokens: 2 }),
      });
    const statuses = [(await chatWithKey()).status, (await chatWithKey()).status];
    const refused = await chatWithKey();
    expect([...statuses, refused.status]).toEqual([200, 200, 429]);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('on this API key');
    // A limit the server cannot take is not saved: the form stays open and the key keeps its limits.
    await page.getByRole('button', { name: 'Edit the key laptop' }).click();
    await editForm.getByLabel('Requests per minute').fill('0');
    await editForm.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => editForm.isVisible()).toBe(true);
    await editForm.getByRole('button', { name: 'Cancel' }).click();
    await editForm.waitFor({ state: 'detached' });
    await page.getByRole('row', { name: /laptop/ }).getByRole('cell', { name: '2 requests/min · 1 at once' }).waitFor();
    // Permissions, limits and an expiry can also be given when a key is made; it expires at the end of the chosen
    // day, and may call only what is ticked.
    await page.getByLabel('Name', { exact: true }).fill('ci-job');
    await page.getByLabel('Expires on (optional)').fill('2030-06-15');
    await page.getByText('Permissions and limits (optional)').click();
    const options = page.locator('details.key-limits-details');
    await options.getByLabel('stories260K').check();
    await options.getByLabel('Model list').check();
    await options.getByLabel('Tokens per minute').fill('5000');
    await expectAccessible('04c-api-key-options');
    await page.getByRole('button', { name: 'Create key' }).click();
    const ciSecret = (await page.getByTestId('new-api-key').innerText()).trim();
    await page.getByRole('button', { name: 'Done' }).click();
    const ciRow = page.getByRole('row', { name: /ci-job/ });
    await ciRow.getByRole('cell', { name: '5,000 tokens/min' }).waitFor();
    await ciRow.getByRole('cell', { name: '6/15/2030, 11:59:59 PM' }).waitFor();
    await ciRow.getByText('stories260K · Model list').waitFor();
    expect((await fetch(`${charter.baseUrl}/v1/models`, { headers: { authorization: `Bearer ${ciSecret}` } })).status).toBe(200);
    const outOfScope = await fetch(`${charter.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ciSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'stories260K', messages: [{ role: 'user', content: 'Once' }], max_tokens: 2 }),
    });
    expect(outOfScope.status).toBe(403);
    // Its permissions can be changed later: now chat, not the model list.
    await page.getByRole('button', { name: 'Edit the key ci-job' }).click();
    const ciEdit = page.getByRole('form', { name: 'Edit the key ci-job' });
    await expect.poll(() => ciEdit.getByLabel('Model list').isChecked()).toBe(true);
    await ciEdit.getByLabel('Model list').uncheck();
    await ciEdit.getByLabel('Chat completions').check();
    await ciEdit.getByRole('button', { name: 'Save' }).click();
    await ciRow.getByText('stories260K · Chat completions').waitFor();
    const chatNow = await fetch(`${charter.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ciSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'stories260K', messages: [{ role: 'user', content: 'Once' }], max_tokens: 2 }),
    });
    expect(chatNow.status, await chatNow.clone().text()).toBe(200);
    expect((await fetch(`${charter.baseUrl}/v1/models`, { headers: { authorization: `Bearer ${ciSecret}` } })).status).toBe(403);
    await page.getByRole('row', { name: /laptop/ }).getByText('All models · all inference endpoints').waitFor();

    // Rotation asks first, then shows the new secret once; the old one stops working at once.
    const keyStatus = async (key: string) => (await fetch(`${charter.baseUrl}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).status;
    page.once('dialog', (dialog) => void dialog.dismiss());
    await page.getByRole('button', { name: 'Rotate the key laptop' }).click();
    expect(await keyStatus(secret)).toBe(200);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Rotate the key laptop' }).click();
    const rotated = (await page.getByTestId('new-api-key').innerText()).trim();
    expect(rotated).toMatch(/^sk-ch-/);
    expect(rotated).not.toBe(secret);
    expect([await keyStatus(secret), await keyStatus(rotated)]).toEqual([401, 200]);
    await page.getByRole('button', { name: 'Done' }).click();
    // The new secret keeps the key's name and limits.
    await page.getByRole('row', { name: /laptop/ }).filter({ hasNot: page.getByRole('cell', { name: 'Revoked' }) }).getByRole('cell', { name: '2 requests/min · 1 at once' }).waitFor();

    // Revoking asks first too.
    page.once('dialog', (dialog) => void dialog.dismiss());
    await page.getByRole('button', { name: 'Revoke the key laptop' }).click();
    expect(await keyStatus(rotated)).toBe(200);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Revoke the key laptop' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Revoke the key laptop' }).count()).toBe(0);
    expect(await keyStatus(rotated)).toBe(401);

    // The page reads the time from the browser: in a second tab whose clock is set to the ci-job key's last days
    // (it expires at the end of 15 June 2030, local time) the key warns; set past that day it shows as expired
    // and can still be revoked. The server's clock is untouched, so the key works until it is revoked.
    const laterContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', storageState: await context.storageState() });
    const later = await laterContext.newPage();
    await later.clock.setFixedTime(new Date(2030, 5, 13, 12, 0));
    await later.goto(page.url());
    const laterCiRow = later.getByRole('row', { name: /ci-job/ });
    await laterCiRow.getByText('Stops working in 3 days').waitFor();
    expect(await later.getByRole('row', { name: /laptop/ }).getByText(/Stops working/).count()).toBe(0);
    await screenshot(later, '04d-api-key-expiring');
    expect(await seriousAccessibilityViolations(later)).toEqual([]);
    await later.clock.setFixedTime(new Date(2030, 5, 16, 9, 0));
    await later.reload();
    await laterCiRow.getByText('Expired').waitFor();
    expect(await laterCiRow.getByText(/Stops working/).count()).toBe(0);
    expect(await keyStatus(ciSecret)).toBe(403);
    later.once('dialog', (dialog) => void dialog.accept());
    await laterCiRow.getByRole('button', { name: 'Revoke the key ci-job' }).click();
    await laterCiRow.getByRole('cell', { name: 'Revoked' }).waitFor();
    expect(await keyStatus(ciSecret)).toBe(401);
    await laterContext.close();

    // Security: sessions are listed; the phone layout fits 390 px.
    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByText('This session').waitFor();
    await expectAccessible('05-security');
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => pageScrollWidth(page)).toBeLessThanOrEqual(390);
    await screenshot(page, '06-security-phone');
    await page.getByRole('link', { name: 'Chat' }).click();
    await page.getByLabel('Message').waitFor();
    await expect.poll(() => pageScrollWidth(page)).toBeLessThanOrEqual(390);
    await screenshot(page, '07-chat-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // Delete the account: signed out, and the password no longer works.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Security' }).click();
    await page.locator('form').filter({ has: page.getByRole('button', { name: 'Delete my account' }) }).getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This account has been deleted.').waitFor();
    expect(pageErrors).toEqual([]);
  }, 300_000);

  it('WEB-5 the pages reached from emails and links pass axe and fit a 390 px phone', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    const phonePage = await phone.newPage();
    const pages: Array<[string, string]> = [
      ['/sign-in', 'Sign in'],
      ['/register', 'Create your account'],
      ['/forgot-password', 'Reset your password'],
      ['/reset-password#token=not-a-real-token-000000', 'Choose a new password'],
      ['/verify-email#token=not-a-real-token-000000', 'Verify your email'],
      ['/report-compromise#token=not-a-real-token-000000', 'Report unauthorised access'],
      ['/share/not-a-real-token-000000', 'This shared conversation is not available'],
    ];
    for (const [path, heading] of pages) {
      await phonePage.goto(`${charter.baseUrl}${path}`);
      await phonePage.getByRole('heading', { name: heading }).waitFor();
      // Let the page settle (an email link's page calls the server once) before it is checked.
      await phonePage.waitForLoadState('networkidle');
      expect(await seriousAccessibilityViolations(phonePage), path).toEqual([]);
      await expect.poll(() => pageScrollWidth(phonePage), { message: path }).toBeLessThanOrEqual(390);
      await screenshot(phonePage, `phone${path.split('#')[0]!.replaceAll('/', '-')}`);
    }
    await phone.close();
  }, 120_000);

  it('WEB-4 switches to Simplified Chinese and keeps it', async () => {
    const chinese = await browser.newContext({ locale: 'zh-CN' });
    const chinesePage = await chinese.newPage();
    await chinesePage.goto(`${charter.baseUrl}/sign-in`);
    await chinesePage.getByRole('heading', { name: '登录' }).waitFor();
    expect(await pageLanguage(chinesePage)).toBe('zh-CN');
    await chinesePage.getByLabel('语言').selectOption('en');
    await chinesePage.getByRole('heading', { name: 'Sign in' }).waitFor();
    await chinesePage.reload();
    await chinesePage.getByRole('heading', { name: 'Sign in' }).waitFor();
    await chinese.close();
  }, 60_000);
});
