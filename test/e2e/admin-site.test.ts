/**
 * The whole admin journey in a real browser against the local runtime (same handlers as the
 * Lambdas, Jira stand-in): sign-in, setup, token life cycle, a delivered alert, deliveries,
 * mapping validation, reset, revoke, sign-out. Run in Chromium with the browser APIs newer than the
 * promised browsers removed before the page loads (`<dialog>.showModal`, `Object.hasOwn`,
 * `structuredClone`, `Array.prototype.at`, …), so every button must work through its fallback.
 * axe-core checks every screen at 1280 and 375 px. Screenshots only with `SCREENSHOTS_DIR`.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  axeAtBothWidths,
  axeLog,
  keeperAlert,
  launchChromium,
  openPage,
  PROJECT_ADMIN,
  pollUntil,
  postAlert,
  type SiteUnderTest,
  screenshots,
  signInAs,
  startSite,
  TOKEN_CACHE_WAIT_MS,
} from './support/admin-site.ts';

describe('admin site', () => {
  let site: SiteUnderTest;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let webhookUrl = '';
  let firstToken = '';
  let secondToken = '';
  const seriousAxe: string[] = [];

  beforeAll(async () => {
    site = await startSite();
    browser = await launchChromium();
    ({ page, errors } = await openPage(browser, { reducedApis: true }));
  });

  afterAll(async () => {
    if (process.env.AXE_REPORT) console.log(JSON.stringify(axeLog));
    await browser?.close();
    await site?.close();
  });

  it('runs without the newer APIs: they are really gone in this browser', async () => {
    // Act
    await page.goto(`${site.runtime.url}/`);
    const present = await page.evaluate(() => ({
      showModal: 'showModal' in document.createElement('dialog'),
      hasOwn: 'hasOwn' in Object,
      structuredClone: 'structuredClone' in window,
      at: 'at' in Array.prototype,
    }));
    // Assess
    expect(present).toEqual({ showModal: false, hasOwn: false, structuredClone: false, at: false });
  });

  it('shows the sign-in card to a visitor without a session', async () => {
    // Assess
    await expect
      .poll(() => page.getByRole('heading', { level: 1, name: 'Sign in to configure the relay' }).isVisible())
      .toBe(true);
    expect(await page.getByRole('link', { name: 'Sign in with Atlassian' }).getAttribute('href')).toBe('/oauth/login');
    seriousAxe.push(...(await axeAtBothWidths(page, 'sign-in')));
    await screenshots(page, 'sign-in');
  });

  it('tells a project administrator that only Jira administrators can configure the relay', async () => {
    // Prepare
    const other = await openPage(browser, { reducedApis: true });
    // Act
    await signInAs(other.page, site.runtime.url, PROJECT_ADMIN);
    // Assess
    await expect.poll(() => other.page.getByRole('heading', { name: 'Access denied' }).isVisible()).toBe(true);
    expect(await other.page.locator('main').textContent()).toContain('Only Jira administrators of');
    expect(await other.page.getByRole('link', { name: 'Sign in with another account' }).getAttribute('href')).toBe(
      '/oauth/login',
    );
    expect(new URL(other.page.url()).search).toBe('');
    const session = await other.page.evaluate(async () => (await fetch('/api/session')).status);
    expect(session).toBe(401);
    seriousAxe.push(...(await axeAtBothWidths(other.page, 'access-denied')));
    await screenshots(other.page, 'access-denied');
    expect(other.errors).toEqual([]);
    await other.context.close();
  });

  it('signs a Jira administrator in and shows the connection in one banner', async () => {
    // Act
    await signInAs(page, site.runtime.url, ADMIN);
    // Assess
    await expect.poll(() => page.locator('#header-user').textContent()).toBe(ADMIN);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Keeper Jira Relay');
    expect(await page.getByRole('navigation', { name: 'Breadcrumbs' }).isVisible()).toBe(true);
    await expect.poll(() => page.locator('#connection-state').getAttribute('data-state')).toBe('connected');
    expect(await page.locator('#status-banner').count()).toBe(1);
    expect(await page.locator('#token-refreshed').textContent()).toMatch(/\d{2}:\d{2}/);
    for (const count of ['queued', 'retrying', 'parked', 'failed'])
      expect(await page.locator(`#count-${count} [data-count]`).getAttribute('data-count')).toBe('0');
    expect(await page.locator('#token-state').getAttribute('data-state')).toBe('not_configured');
    webhookUrl = await page.locator('#webhook-url').inputValue();
    expect(webhookUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhook$/);
  });

  it('saves project SEC with the default issue type Task, marked as required fields', async () => {
    // Prepare
    const project = page.getByLabel('Target Project');
    await expect.poll(() => project.locator('option[value="SEC"]').count()).toBe(1);
    expect(await project.locator('option[value="SEC"]').textContent()).toBe(
      'SEC — Security Operations (company-managed)',
    );
    expect(await project.locator('option[value="OPS"]').textContent()).toContain('team-managed');
    expect(await project.getAttribute('aria-required')).toBe('true');
    // Act
    await project.selectOption('SEC');
    const issueType = page.getByLabel('Default Issue Type');
    await expect.poll(() => issueType.isEnabled()).toBe(true);
    const typeNames = await issueType.locator('option').allTextContents();
    await issueType.selectOption({ label: 'Task' });
    await page.getByRole('button', { name: 'Save Configuration' }).click();
    // Assess
    await expect.poll(() => page.locator('.flag--success').last().textContent()).toContain('Configuration saved');
    expect(typeNames).not.toContain('Sub-task');
    seriousAxe.push(...(await axeAtBothWidths(page, 'setup')));
    await screenshots(page, 'setup');
  });

  it('generates a token that authenticates an alert, which then shows in Deliveries with its issue key', async () => {
    // Act: generate
    await page.getByRole('button', { name: 'Generate Token', exact: true }).click();
    await expect.poll(() => page.locator('#token-state').getAttribute('data-state')).toBe('enabled');
    firstToken = await page.locator('#new-token').inputValue();
    expect(firstToken.length).toBeGreaterThanOrEqual(32);
    expect(await page.locator('#curl-example').textContent()).toContain(`Bearer ${firstToken}`);
    expect(await page.locator('#token-last-used').textContent()).toBe('Not used yet');
    seriousAxe.push(...(await axeAtBothWidths(page, 'token-generated')));
    await screenshots(page, 'token-generated', { mask: [page.locator('#new-token'), page.locator('#curl-example')] });

    // Act: what Keeper would send, with the token copied from the page
    const result = await pollUntil(
      () => postAlert(webhookUrl, firstToken, keeperAlert()),
      (r) => r.status !== 401,
      TOKEN_CACHE_WAIT_MS,
    );
    // Assess
    expect(result.status).toBe(201);
    const issueKey = String(result.json.issueKey);
    expect(issueKey).toMatch(/^SEC-\d+$/);
    // "Last used" follows without a reload (the status is re-read while the page is open).
    await expect
      .poll(() => page.locator('#token-last-used').textContent(), { timeout: 20_000 })
      .not.toBe('Not used yet');

    // Act: Deliveries tab
    await page.getByRole('tab', { name: 'Deliveries' }).click();
    // Assess
    const row = page.locator('#deliveries-table tbody tr', { hasText: issueKey });
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    expect(await row.locator('[data-status]').first().textContent()).toBe('Delivered');
    // The catalogue's title reads, the code is on hover.
    await expect.poll(() => row.locator('.event-title').textContent()).not.toBe('login_failure');
    expect(await row.locator('.event-title').getAttribute('title')).toBe('Event code: login_failure');
    expect(await row.locator('time').textContent()).toMatch(/\d{2}:\d{2}:\d{2}/);
    expect(await row.getByRole('link', { name: issueKey }).getAttribute('href')).toContain(issueKey);
    await expect.poll(() => page.locator('#hourly-chart svg rect').count()).toBeGreaterThan(0);
    expect(await page.locator('#hourly-chart svg title').first().textContent()).toContain('Alerts per hour');
    seriousAxe.push(...(await axeAtBothWidths(page, 'deliveries')));
    await screenshots(page, 'deliveries');
  });

  it('filters deliveries by status on the server and offers a way back from an empty result', async () => {
    // Act
    await page.getByLabel('Status', { exact: true }).selectOption('failed');
    // Assess
    await expect
      .poll(() => page.getByRole('heading', { name: 'No alerts match these filters' }).isVisible())
      .toBe(true);
    expect(new URL(page.url()).hash).toBe('#deliveries/failed');
    seriousAxe.push(...(await axeAtBothWidths(page, 'deliveries-filtered-empty')));
    await screenshots(page, 'deliveries-empty');
    // Act: back to every alert
    await page.getByRole('button', { name: 'Show all alerts' }).click();
    await expect.poll(() => page.locator('#deliveries-table tbody tr').count()).toBeGreaterThan(0);
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
    seriousAxe.push(...(await axeAtBothWidths(page, 'test-trigger')));
    await screenshots(page, 'test-trigger');
  });

  it('regenerating the token (through the fallback dialog) refuses the old one', async () => {
    // Act
    await page.getByRole('button', { name: 'Regenerate Token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Regenerate the webhook token?' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.evaluate((element) => element.tagName)).toBe('DIV');
    seriousAxe.push(...(await axeAtBothWidths(page, 'regenerate-dialog')));
    await screenshots(page, 'regenerate-dialog', { fullPage: false });
    await dialog.getByRole('button', { name: 'Regenerate Token' }).click();
    await expect.poll(async () => (await page.locator('#new-token').inputValue()) !== firstToken).toBe(true);
    secondToken = await page.locator('#new-token').inputValue();
    // Assess: old token refused once caches expire; the new one accepted
    const old = await pollUntil(
      () => postAlert(webhookUrl, firstToken, keeperAlert()),
      (r) => r.status === 401,
      TOKEN_CACHE_WAIT_MS,
    );
    expect(old.status).toBe(401);
    expect(old.json.error).toBe('AUTHENTICATION_FAILED');
    const fresh = await pollUntil(
      () =>
        postAlert(
          webhookUrl,
          secondToken,
          keeperAlert({ audit_event: 'bw_record_high_risk', category: 'breachwatch' }),
        ),
      (r) => r.status !== 401,
      TOKEN_CACHE_WAIT_MS,
    );
    expect([200, 201, 202]).toContain(fresh.status);
  });

  it('shows a field mapping that Jira would refuse next to its row, in words', async () => {
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
    const eventCategory = (await target.locator('option').allTextContents()).find((t) =>
      t.startsWith('Event Category — select'),
    );
    expect(eventCategory).toBeDefined();
    await target.selectOption({ label: eventCategory ?? '' });
    await section.getByRole('button', { name: 'Save Field Mapping' }).click();
    // Assess
    await expect.poll(() => row.locator('.field-error').count()).toBeGreaterThan(0);
    expect(await row.getAttribute('class')).toContain('mapping-row--invalid');
    const summary = page.locator('#fieldMappings-section-problems');
    expect(await summary.isVisible()).toBe(true);
    // No configuration paths in what the admin reads.
    expect(await summary.textContent()).not.toMatch(/fieldMappings\.|fieldMeta\./);
    seriousAxe.push(...(await axeAtBothWidths(page, 'advanced-validation')));
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

  it('resets the configuration after confirmation, and shows the defaults without "Unknown category"', async () => {
    // Prepare
    await page.getByRole('button', { name: 'Reset Configuration' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reset the configuration?' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    // Act
    await dialog.getByRole('button', { name: 'Reset Configuration' }).click();
    // Assess
    await expect.poll(() => page.locator('.flag').count()).toBeGreaterThan(0);
    const refusal = await page.locator('#reset-problems').textContent();
    expect(refusal ?? '', 'POST /api/config/reset was refused; the problems the page shows follow').toBe('');
    await expect.poll(() => page.locator('.flag--success').last().textContent()).toContain('Configuration reset');
    await expect.poll(() => page.locator('#fieldMappings-section .mapping-row--invalid').count()).toBe(0);
    await expect.poll(() => page.locator('#priorityMapping-section .mapping-row').count()).toBeGreaterThan(0);
    expect(await page.locator('.mapping-row__detail').allTextContents()).not.toContain('Unknown category');
    // The change history names who saved each version and what changed.
    await expect.poll(() => page.locator('#config-history .history__item').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#config-history .history__item').first().textContent()).toContain('Alice Admin');
    seriousAxe.push(...(await axeAtBothWidths(page, 'advanced')));
    await screenshots(page, 'advanced');
  });

  it('revokes the token after confirmation, after which alerts are refused', async () => {
    // Prepare
    await page.getByRole('tab', { name: 'Web Trigger Setup' }).click();
    // Act
    await page.getByRole('button', { name: 'Revoke Token' }).click();
    await page
      .getByRole('dialog', { name: 'Revoke the webhook token?' })
      .getByRole('button', { name: 'Revoke Token' })
      .click();
    // Assess
    await expect.poll(() => page.locator('#token-state').getAttribute('data-state')).toBe('not_configured');
    const refused = await pollUntil(
      () => postAlert(webhookUrl, secondToken, keeperAlert()),
      (r) => r.status === 401,
      TOKEN_CACHE_WAIT_MS,
    );
    expect(refused.status).toBe(401);
  });

  it('has had no script error or CSP violation, and no serious or critical axe finding on any screen', () => {
    // Assess
    expect(errors).toEqual([]);
    expect(seriousAxe).toEqual([]);
  });

  it('turns an unexpected script error into an assertive message instead of a silent no-op', async () => {
    // Act
    await page.evaluate(() => {
      window.setTimeout(() => {
        throw new Error('a bug the site did not foresee');
      }, 0);
    });
    // Assess
    const flag = page.locator('#alerts .flag--error');
    await expect.poll(() => flag.count()).toBe(1);
    expect(await flag.textContent()).toContain('Something went wrong in this page');
    expect(await page.locator('#alerts').getAttribute('aria-live')).toBe('assertive');
    errors.length = 0;
  });

  it('signs out back to the sign-in card', async () => {
    // Act
    await page.getByRole('button', { name: 'Sign out' }).click();
    // Assess
    await expect.poll(() => page.getByRole('link', { name: 'Sign in with Atlassian' }).isVisible()).toBe(true);
    expect(errors).toEqual([]);
  });
});
