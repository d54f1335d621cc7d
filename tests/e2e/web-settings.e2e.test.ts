import { readFile } from 'node:fs/promises';
import { startSmtpSink, tokenFromEmail, type SmtpSink } from '@charter/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, pageScrollWidth, screenshot, seriousAccessibilityViolations } from './browser.js';
import { startCharter, type StartedCharter } from './start-charter.js';

interface Person {
  name: string;
  email: string;
  context: BrowserContext;
  page: Page;
  /** Page errors and CSP violations reported by the browser. */
  problems: string[];
}

// Organisations and usage in the web app (issue 5 item 7, ACC-7, API-6) in headless Chromium: two people,
// an invitation through the SMTP sink, role changes, and the usage chart after real requests to the tiny model.
// The steps depend on each other, so they run in order in one test.
describe('web app settings: organisations and usage in Chromium', () => {
  const password = 'violet-tundra-pancake-orbit';
  const runId = Date.now();
  let charter: StartedCharter;
  let mail: SmtpSink;
  let browser: Browser;
  const people: Person[] = [];

  beforeAll(async () => {
    mail = await startSmtpSink();
    charter = await startCharter({ CHARTER_SMTP_URL: mail.url });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await charter?.stop();
    await mail?.close();
  });

  async function openAs(name: string, email: string): Promise<Person> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', acceptDownloads: true });
    // Recorded from the page itself as well as from the console: any style or script the CSP blocks (a chart
    // library injecting <style> text would show up here).
    await context.addInitScript(() => {
      const record = globalThis as unknown as { cspViolations?: string[]; document: { addEventListener: (type: string, listener: (event: { violatedDirective: string; blockedURI: string }) => void) => void } };
      record.cspViolations = [];
      record.document.addEventListener('securitypolicyviolation', (event) => record.cspViolations!.push(`${event.violatedDirective} ${event.blockedURI}`));
    });
    const page = await context.newPage();
    const person: Person = { name, email, context, page, problems: [] };
    page.on('pageerror', (error) => person.problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to (apply|load|execute)/i.test(message.text())) person.problems.push(`CSP: ${message.text()}`);
    });
    people.push(person);
    return person;
  }

  async function registerVerified(person: Person): Promise<void> {
    const { page } = person;
    await page.goto(`${charter.baseUrl}/register`);
    await page.getByLabel('Name', { exact: true }).fill(person.name);
    await page.getByLabel('Email').fill(person.email);
    await page.getByLabel('Password').fill(password);
    await page.getByLabel('Date of birth').fill('1990-04-12');
    await page.getByLabel('Country of residence').selectOption('DE');
    await page.getByLabel(/I accept the Terms of Service/).check();
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Verify your email address to create API keys.').waitFor();
    const verification = await mail.waitFor((message) => message.to.includes(person.email) && message.subject === 'Verify your email address');
    await page.goto(`${charter.baseUrl}/verify-email#token=${encodeURIComponent(tokenFromEmail(verification))}`);
    await page.getByText('Your email address is verified.').waitFor();
  }

  async function expectAccessible(page: Page, name: string): Promise<void> {
    await screenshot(page, name);
    expect(await seriousAccessibilityViolations(page), name).toEqual([]);
  }

  async function chat(apiKey: string, content: string): Promise<void> {
    const response = await fetch(`${charter.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'stories260K', messages: [{ role: 'user', content }], max_tokens: 8 }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const body = (await response.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
  }

  async function createKey(page: Page, name: string): Promise<string> {
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'API keys' }).click();
    // The page we come from may also have a "Name" field: fill only once the keys page is there.
    const create = page.getByRole('button', { name: 'Create key' });
    await create.waitFor();
    await page.getByLabel('Name', { exact: true }).fill(name);
    await create.click();
    const secret = (await page.getByTestId('new-api-key').innerText()).trim();
    expect(secret).toMatch(/^sk-ch-/);
    await page.getByRole('button', { name: 'Done' }).click();
    return secret;
  }

  /** Show the usage page until the model's row counts `requests` (metering is written behind the response). */
  async function waitForUsage(page: Page, requests: number): Promise<void> {
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Usage' }).click();
    const row = page.getByRole('table', { name: 'By model' }).getByRole('row', { name: /stories260K/ });
    const deadline = Date.now() + 30_000;
    for (;;) {
      await page.getByRole('button', { name: 'Show' }).click();
      await page.getByRole('status').filter({ hasText: 'Loading…' }).waitFor({ state: 'detached' });
      if ((await row.count()) > 0 && (await row.getByRole('cell').first().innerText()) === String(requests)) return;
      if (Date.now() > deadline) throw new Error(`usage never showed ${requests} requests: ${await page.locator('main').innerText()}`);
      await page.waitForTimeout(500);
    }
  }

  it('ACC-7 WEB-2 create an organisation, invite by email, accept from the link, change a role; usage chart, table and CSV', async () => {
    const ada = await openAs('Ada Owner', `ada-${runId}@example.com`);
    const bea = await openAs('Bea Member', `bea-${runId}@example.com`);
    await registerVerified(ada);
    await registerVerified(bea);

    // Ada creates an organisation.
    const { page } = ada;
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Organizations' }).click();
    await page.getByText('You are not a member of any organization yet.').waitFor();
    await expectAccessible(page, 'settings-01-organizations-empty');
    await page.getByLabel('Name', { exact: true }).fill('Acme Research');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.getByRole('heading', { level: 1, name: 'Acme Research' }).waitFor();
    await page.getByText('Your role: Owner').waitFor();
    const organizationId = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1)!);
    expect(organizationId).toMatch(/^org_/);

    // … and invites Bea as a developer.
    await page.getByLabel('Email', { exact: true }).fill(bea.email);
    await page.getByLabel('Role', { exact: true }).selectOption('developer');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByRole('status').filter({ hasText: `We emailed an invitation to ${bea.email}.` }).waitFor();
    await page.getByRole('table', { name: 'Invitations' }).getByText(bea.email, { exact: true }).waitFor();
    await expectAccessible(page, 'settings-02-organization-owner');
    const invitation = await mail.waitFor((message) => message.to.includes(bea.email) && message.subject.includes('Acme Research'));
    const invitationLink = `${charter.baseUrl}/invitations#token=${encodeURIComponent(tokenFromEmail(invitation))}`;

    // Signed out, the link explains what to do; signed in as someone else, it refuses and says why.
    const stranger = await openAs('Nobody', 'nobody@example.com');
    await stranger.page.goto(invitationLink);
    await stranger.page.getByText('Sign in with the email address the invitation was sent to').waitFor();
    await expectAccessible(stranger.page, 'settings-03-invitation-signed-out');
    await page.goto(invitationLink);
    await page.getByRole('button', { name: 'Accept invitation' }).click();
    await page.getByRole('alert').filter({ hasText: 'This invitation was sent to another email address' }).waitFor();
    await expectAccessible(page, 'settings-04-invitation-wrong-account');

    // Bea accepts from the emailed link and lands on the organisation.
    await bea.page.goto(invitationLink);
    await bea.page.getByText(`You are signed in as ${bea.email}.`).waitFor();
    await expectAccessible(bea.page, 'settings-05-invitation');
    await bea.page.getByRole('button', { name: 'Accept invitation' }).click();
    await bea.page.getByRole('heading', { level: 1, name: 'Acme Research' }).waitFor();
    await bea.page.getByText('Your role: Developer').waitFor();
    // A developer sees the members but none of the owner's actions.
    expect(await bea.page.getByRole('button', { name: /^Remove / }).count()).toBe(0);
    expect(await bea.page.getByRole('heading', { name: 'Invitations' }).count()).toBe(0);
    expect(await bea.page.getByRole('button', { name: 'Delete organization' }).count()).toBe(0);
    await expectAccessible(bea.page, 'settings-06-organization-developer');

    // Ada sees Bea as a member and makes her a viewer.
    await page.goto(`${charter.baseUrl}/settings/organizations/${encodeURIComponent(organizationId)}`);
    const members = page.getByRole('table', { name: 'Members' });
    await members.getByText(bea.email).waitFor();
    expect(await page.getByText('No pending invitations.').count()).toBe(1);
    await page.getByLabel('Role of Bea Member', { exact: true }).selectOption('viewer');
    await page.getByRole('button', { name: 'Save role for Bea Member' }).click();
    await page.getByRole('status').filter({ hasText: 'Bea Member is now Viewer.' }).waitFor();
    await bea.page.reload();
    await bea.page.getByText('Your role: Viewer').waitFor();
    // The remove dialog offers revoke or transfer of keys.
    await page.getByRole('button', { name: 'Remove Bea Member' }).click();
    await page.getByRole('group', { name: 'Remove Bea Member from the organization' }).waitFor();
    await expectAccessible(page, 'settings-07-remove-member');
    await page.getByRole('button', { name: 'Cancel' }).click();

    // Usage: two requests with a personal key of Ada's, then the chart, the table per model and the CSV.
    const personalKey = await createKey(page, 'laptop');
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Usage' }).click();
    await page.getByText('Usage of your personal account.').waitFor();
    await page.getByText('No usage in this period.').waitFor();
    await expectAccessible(page, 'settings-08-usage-empty');
    await chat(personalKey, 'Once upon a time');
    await chat(personalKey, 'The little dog');
    await waitForUsage(page, 2);
    await page.locator('.usage-chart .recharts-wrapper > svg.recharts-surface').waitFor();
    expect(await page.locator('.usage-chart .recharts-bar-rectangle').count()).toBeGreaterThan(0);
    await page.getByRole('img', { name: /Tokens per day from .* prompt tokens and .* completion tokens in total/ }).waitFor();
    await expectAccessible(page, 'settings-09-usage');
    expect(await page.evaluate('globalThis.cspViolations')).toEqual([]);
    expect(await page.evaluate(`document.querySelectorAll('style').length`)).toBe(0);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    const csv = (await readFile((await download.path())!, 'utf8')).trim().split('\n');
    expect(csv[0]).toMatch(/^id,request_id,created_at,api_key_id/);
    expect(csv.slice(1).filter((line) => line.includes('stories260K'))).toHaveLength(2);

    // Acting for the organisation: its keys and its usage, not Ada's own.
    await page.getByLabel('Act for').selectOption({ label: 'Acme Research' });
    await page.getByText('Usage of the organization Acme Research.').waitFor();
    await page.getByText('No usage in this period.').waitFor();
    const organizationKey = await createKey(page, 'acme-ci');
    await page.getByText('These are the keys of the organization Acme Research').waitFor();
    expect(await page.getByRole('cell', { name: 'laptop' }).count()).toBe(0);
    await chat(organizationKey, 'Once upon a time');
    await waitForUsage(page, 1);
    await page.reload();
    // The choice survives a reload (kept in this browser).
    await page.getByText('Usage of the organization Acme Research.').waitFor();
    await page.getByLabel('Act for').selectOption({ label: 'Personal account' });
    await waitForUsage(page, 2);

    // Phones: the usage and organisation pages fit 390 px.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => pageScrollWidth(page)).toBeLessThanOrEqual(390);
    await screenshot(page, 'settings-10-usage-phone');
    await page.goto(`${charter.baseUrl}/settings/organizations/${encodeURIComponent(organizationId)}`);
    await members.getByText(bea.email).waitFor();
    await expect.poll(() => pageScrollWidth(page)).toBeLessThanOrEqual(390);
    await expectAccessible(page, 'settings-11-organization-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // Simplified Chinese on the new pages.
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { level: 2, name: '成员' }).waitFor();
    await page.getByRole('navigation', { name: '设置' }).getByRole('link', { name: '用量' }).click();
    await page.getByRole('heading', { level: 1, name: '用量' }).waitFor();
    await page.getByRole('table', { name: '按模型' }).waitFor();
    await expectAccessible(page, 'settings-12-usage-zh');
    await page.getByLabel('语言').selectOption('en');

    for (const person of people) expect(person.problems, person.name).toEqual([]);
  }, 420_000);
});
