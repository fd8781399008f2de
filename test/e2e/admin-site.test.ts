/**
 * The admin site in a real browser against the local runtime (same handlers as the Lambdas, Jira
 * stand-in): sign-in, setup, token life cycle, a delivered alert, mapping validation, deliveries.
 * Writes screenshots of every screen (desktop 1280×800 and 375 px wide) to test-results/screenshots/
 * (ignored by git), or to SCREENSHOTS_DIR: `npm run screenshots` refreshes docs/screenshots/.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime } from '#local/runtime.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
// Outside the tracked tree by default, so a test run leaves `git status` clean.
const SCREENSHOTS = resolve(ROOT, process.env.SCREENSHOTS_DIR ?? join('test-results', 'screenshots'));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Seeded accounts of the Jira stand-in (local/jira-stand-in/seed.ts). */
const ADMIN = 'Alice Admin';
const PROJECT_ADMIN = 'Pat ProjectAdmin';

const DESKTOP = { width: 1280, height: 800 };
const MOBILE = { width: 375, height: 812 };

/** Instances cache token hashes for 5 s; allow a margin before calling a token "still accepted". */
const TOKEN_CACHE_WAIT_MS = 15_000;

function keeperAlert(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    alert_name: 'Failed Logins',
    description: 'User jane.roe@example.com failed to log in (auth_failed)',
    audit_event: 'login_failure',
    category: 'login',
    remote_address: '198.51.100.77',
    client_version: 'Web Vault 17.0.2',
    username: 'jane.roe@example.com',
    timestamp: new Date().toISOString(),
    enterprise_id: 8512,
    result_code: 'auth_failed',
    channel: 'Web Vault',
    ...overrides,
  };
}

async function postAlert(webhookUrl: string, token: string, body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(webhookUrl, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    json = { raw: text };
  }
  return { status: response.status, json };
}

/** Polls until `check` holds or the deadline passes; returns the last value either way. */
async function pollUntil<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    value = await read();
  }
  return value;
}

/**
 * Full-page screenshots at desktop and phone width; secrets on screen are masked. Earlier
 * notifications are dismissed first so they do not cover the screen being shown.
 */
async function screenshots(page: Page, name: string, options: { mask?: Locator[]; fullPage?: boolean } = {}): Promise<void> {
  const mask = options.mask ?? [];
  await page.evaluate(() => {
    for (const toast of document.querySelectorAll('.toast')) toast.remove();
  });
  for (const [suffix, size] of [['desktop', DESKTOP], ['mobile', MOBILE]] as const) {
    await page.setViewportSize(size);
    // Full-page shots start at the top so the sticky header sits where a reader expects it.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${suffix}.png`), fullPage: options.fullPage ?? true, mask, animations: 'disabled' });
  }
  await page.setViewportSize(DESKTOP);
}

/** Goes through the stand-in's Atlassian sign-in and consent pages as `displayName`. */
async function signInAs(page: Page, baseUrl: string, displayName: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByRole('link', { name: 'Sign in with Atlassian' }).click();
  await page.getByRole('button', { name: new RegExp(displayName) }).click();
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.waitForURL((url) => url.toString().startsWith(baseUrl));
}

describe('admin site', () => {
  let runtime: Awaited<ReturnType<typeof startLocalRuntime>>;
  let dataDir: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let webhookUrl = '';
  let firstToken = '';
  let secondToken = '';
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // Test the site as it is now, not an old build.
    await build({ configFile: join(ROOT, 'web-admin', 'vite.config.ts'), logLevel: 'warn' });
    await mkdir(SCREENSHOTS, { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), 'relay-e2e-'));
    // A replaced token stops working once the instance's hash cache expires: keep that within the test's wait.
    runtime = await startLocalRuntime({ port: 0, jiraPort: 0, dataDir, quiet: true, settings: { TOKEN_CACHE_SECONDS: 5 } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC' });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      // CSP violations show up as console errors: the site must not need any exception.
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
        pageErrors.push(message.text());
      }
    });
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('shows the sign-in card to a visitor without a session', async () => {
    // Act
    await page.goto(`${runtime.url}/`);
    // Assess
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in to configure the relay' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Sign in with Atlassian' }).getAttribute('href')).toBe('/oauth/login');
    await screenshots(page, 'sign-in');
  });

  it('tells a project administrator that only Jira administrators can configure the relay', async () => {
    // Prepare
    const other = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC' });
    const otherPage = await other.newPage();
    // Act
    await signInAs(otherPage, runtime.url, PROJECT_ADMIN);
    // Assess
    await expect.poll(() => otherPage.getByRole('heading', { name: 'Access denied' }).isVisible()).toBe(true);
    expect(await otherPage.locator('main').textContent()).toContain('Only Jira administrators of');
    expect(await otherPage.getByRole('link', { name: 'Sign in with another account' }).getAttribute('href')).toBe('/oauth/login');
    expect(new URL(otherPage.url()).search).toBe('');
    const session = await otherPage.evaluate(async () => (await fetch('/api/session')).status);
    expect(session).toBe(401);
    await screenshots(otherPage, 'access-denied');
    await other.close();
  });

  it('signs a Jira administrator in and shows the connection', async () => {
    // Act
    await signInAs(page, runtime.url, ADMIN);
    // Assess
    await expect.poll(() => page.locator('#header-user').textContent()).toBe(ADMIN);
    await expect.poll(() => page.locator('#connection-state').getAttribute('data-state')).toBe('connected');
    expect(await page.locator('#token-refreshed').textContent()).toMatch(/^token refreshed /);
    expect(await page.locator('#token-state').textContent()).toBe('NOT CONFIGURED');
    webhookUrl = await page.locator('#webhook-url').inputValue();
    expect(webhookUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhook$/);
  });

  it('saves project SEC with the default issue type Task', async () => {
    // Prepare
    const project = page.getByLabel('Target Project');
    await expect.poll(() => project.locator('option[value="SEC"]').count()).toBe(1);
    expect(await project.locator('option[value="SEC"]').textContent()).toBe('SEC — Security Operations (company-managed)');
    expect(await project.locator('option[value="OPS"]').textContent()).toContain('team-managed');
    // Act
    await project.selectOption('SEC');
    const issueType = page.getByLabel('Default Issue Type');
    await expect.poll(() => issueType.isEnabled()).toBe(true);
    const typeNames = await issueType.locator('option').allTextContents();
    await issueType.selectOption({ label: 'Task' });
    await page.getByRole('button', { name: 'Save Configuration' }).click();
    // Assess
    await expect.poll(() => page.locator('.toast--success').last().textContent()).toContain('Configuration saved');
    expect(typeNames).not.toContain('Sub-task');
    await screenshots(page, 'setup');
  });

  it('generates a token that authenticates an alert, which then shows in Deliveries with its issue key', async () => {
    // Act: generate
    await page.getByRole('button', { name: 'Generate Token', exact: true }).click();
    await expect.poll(() => page.locator('#token-state').textContent()).toBe('ENABLED');
    firstToken = await page.locator('#new-token').inputValue();
    expect(firstToken.length).toBeGreaterThanOrEqual(32);
    expect(await page.locator('#curl-example').textContent()).toContain(`Bearer ${firstToken}`);
    await screenshots(page, 'token-generated', { mask: [page.locator('#new-token'), page.locator('#curl-example')] });

    // Act: what Keeper would send, with the token copied from the page
    const result = await pollUntil(() => postAlert(webhookUrl, firstToken, keeperAlert()), (r) => r.status !== 401, TOKEN_CACHE_WAIT_MS);
    // Assess
    expect(result.status).toBe(201);
    const issueKey = String(result.json.issueKey);
    expect(issueKey).toMatch(/^SEC-\d+$/);

    // Act: Deliveries tab
    await page.getByRole('tab', { name: 'Deliveries' }).click();
    // Assess
    const row = page.locator('#deliveries-table tbody tr', { hasText: issueKey });
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    expect(await row.locator('[data-status]').first().textContent()).toBe('delivered');
    expect(await row.textContent()).toContain('login_failure');
    expect(await row.getByRole('link', { name: issueKey }).getAttribute('href')).toContain(issueKey);
    await expect.poll(() => page.locator('#hourly-chart svg rect').count()).toBeGreaterThan(0);
    expect(await page.locator('#hourly-chart svg title').first().textContent()).toContain('Alerts per hour');
    await screenshots(page, 'deliveries');
  });

  it('Test Web Trigger shows the created issue key', async () => {
    // Prepare
    await page.getByRole('tab', { name: 'Web Trigger Setup' }).click();
    // Act
    await page.getByRole('button', { name: 'Test Web Trigger' }).click();
    // Assess
    await expect.poll(() => page.locator('#test-issue-link').textContent(), { timeout: 20_000 }).toMatch(/^SEC-\d+$/);
    // The generated token is shown once: after leaving the tab the example is back to the placeholder.
    expect(await page.locator('#curl-example').textContent()).toContain('Bearer <YOUR_TOKEN>');
    await screenshots(page, 'test-trigger');
  });

  it('regenerating the token refuses the old one', async () => {
    // Act
    await page.getByRole('button', { name: 'Regenerate Token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Regenerate the webhook token?' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    // Viewport only: the modal backdrop covers the viewport, not the whole page.
    await screenshots(page, 'regenerate-dialog', { fullPage: false });
    await dialog.getByRole('button', { name: 'Regenerate Token' }).click();
    await expect.poll(async () => (await page.locator('#new-token').inputValue()) !== firstToken).toBe(true);
    secondToken = await page.locator('#new-token').inputValue();
    // Assess: old token refused once caches expire; the new one accepted
    const old = await pollUntil(() => postAlert(webhookUrl, firstToken, keeperAlert()), (r) => r.status === 401, TOKEN_CACHE_WAIT_MS);
    expect(old.status).toBe(401);
    expect(old.json.error).toBe('AUTHENTICATION_FAILED');
    const fresh = await pollUntil(
      () => postAlert(webhookUrl, secondToken, keeperAlert({ audit_event: 'bw_record_high_risk', category: 'breachwatch' })),
      (r) => r.status !== 401,
      TOKEN_CACHE_WAIT_MS,
    );
    expect([200, 201, 202]).toContain(fresh.status);
  });

  it('shows a field mapping that Jira would refuse next to its field', async () => {
    // Prepare
    await page.getByRole('tab', { name: 'Advanced Configuration' }).click();
    const section = page.locator('#fieldMappings-section');
    await expect.poll(() => section.getByRole('button', { name: '+ Add mapping' }).isVisible()).toBe(true);
    const before = await section.locator('.mapping-row').count();
    // Act: a constant that is not one of the select field's options
    await section.getByRole('button', { name: '+ Add mapping' }).click();
    const row = section.locator('.mapping-row').nth(before);
    await row.getByLabel(/^Keeper field for mapping/).selectOption('__constant__');
    await row.getByLabel(/^Constant value for mapping/).fill('Not a Keeper category');
    const target = row.getByLabel(/^Jira field for mapping/);
    const eventCategory = (await target.locator('option').allTextContents()).find((t) => t.startsWith('Event Category — select'));
    expect(eventCategory).toBeDefined();
    await target.selectOption({ label: eventCategory ?? '' });
    await section.getByRole('button', { name: 'Save' }).click();
    // Assess
    await expect.poll(() => row.locator('.field-error').count()).toBeGreaterThan(0);
    expect(await row.getAttribute('class')).toContain('mapping-row--invalid');
    expect(await page.locator('#fieldMappings-section-problems').isVisible()).toBe(true);
    await screenshots(page, 'advanced-validation');
  });

  it('offers the event catalogue in the priority and issue type pickers', async () => {
    // Assess
    const options = page.locator('datalist option');
    expect(await options.count()).toBeGreaterThanOrEqual(316);
    const priority = page.locator('#priorityMapping-section');
    await priority.getByRole('button', { name: '+ Add rule' }).click();
    const value = priority.getByLabel(/^Rule \d+: event code/).last();
    await value.fill('login_failure');
    expect(await priority.locator('.mapping-row__detail').last().textContent()).toContain('Failed Login');
  });

  it('resets the configuration after confirmation', async () => {
    // Prepare
    await page.getByRole('tab', { name: 'Advanced Configuration' }).click();
    await page.getByRole('button', { name: 'Reset Configuration' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reset the configuration?' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    // Act
    await dialog.getByRole('button', { name: 'Reset Configuration' }).click();
    // Assess
    await expect.poll(() => page.locator('.toast').count()).toBeGreaterThan(0);
    const refusal = await page.locator('#reset-problems').textContent();
    expect(refusal ?? '', 'POST /api/config/reset was refused; the problems the page shows follow').toBe('');
    await expect.poll(() => page.locator('.toast--success').last().textContent()).toContain('Configuration reset');
    await expect.poll(() => page.locator('#fieldMappings-section .mapping-row--invalid').count()).toBe(0);
    // The change history names who saved each version and what changed.
    await expect.poll(() => page.locator('#config-history .history__item').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#config-history .history__item').first().textContent()).toContain('Alice Admin');
    await screenshots(page, 'advanced');
  });

  it('revokes the token after confirmation, after which alerts are refused', async () => {
    // Prepare
    await page.getByRole('tab', { name: 'Web Trigger Setup' }).click();
    // Act
    await page.getByRole('button', { name: 'Revoke Token' }).click();
    await page.getByRole('dialog', { name: 'Revoke the webhook token?' }).getByRole('button', { name: 'Revoke Token' }).click();
    // Assess
    await expect.poll(() => page.locator('#token-state').textContent()).toBe('NOT CONFIGURED');
    const refused = await pollUntil(() => postAlert(webhookUrl, secondToken, keeperAlert()), (r) => r.status === 401, TOKEN_CACHE_WAIT_MS);
    expect(refused.status).toBe(401);
  });

  it('signs out back to the sign-in card and loads without script or CSP errors', async () => {
    // Act
    await page.getByRole('button', { name: 'Sign out' }).click();
    // Assess
    await expect.poll(() => page.getByRole('link', { name: 'Sign in with Atlassian' }).isVisible()).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
