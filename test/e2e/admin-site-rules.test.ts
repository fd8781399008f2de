/**
 * The Rules tab in a real browser against the local runtime (Jira stand-in): a rule built through
 * the condition builder (event search) with a grouping action, client and server problems next to
 * their controls, reordering by keyboard and by mouse, the preview on alerts received (no Jira
 * write), the assignee and security level pickers, save, export and import, and Deliveries showing
 * the groups once the relay groups. Run in Chromium with the browser APIs newer than the promised
 * browsers removed (the confirm dialogs take their fallback). axe-core checks every screen at 1280
 * and 375 px. Screenshots only with `SCREENSHOTS_DIR`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  axeAtBothWidths,
  keeperAlert,
  launchChromium,
  openPage,
  pollUntil,
  postAlert,
  type SiteUnderTest,
  screenshots,
  signInAs,
  standIn,
  startSite,
  TOKEN_CACHE_WAIT_MS,
} from './support/admin-site.ts';

/** Admin API call from inside the signed-in page (session cookie, JSON for the CSRF guard). */
function apiCall(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return page.evaluate(
    async ([m, p, b]) => {
      const response = await fetch(p as string, {
        method: m as string,
        headers: { 'Content-Type': 'application/json' },
        ...(m === 'GET' ? {} : { body: JSON.stringify(b ?? {}) }),
      });
      const text = await response.text();
      return { status: response.status, json: text ? JSON.parse(text) : null };
    },
    [method, path, body] as const,
  );
}

interface Delivery {
  alertId: string;
  status: string;
  rule?: { name: string };
  group?: { id: string; role: string };
}

async function deliveries(page: Page): Promise<Delivery[]> {
  return ((await apiCall(page, 'GET', '/api/deliveries?limit=100')).json as { items: Delivery[] }).items;
}

async function issueCount(site: SiteUnderTest): Promise<number> {
  return ((await standIn(site.runtime, 'GET', '/issues')) as { issues: unknown[] }).issues.length;
}

const RULE_NAME = 'Failed logins of one user';
const OTHER_RULE = 'Quiet BreachWatch';
const USER = 'jane.roe@example.com';
/** Alerts sent before the rule exists: each becomes its own ticket today. */
const BURST = 20;

describe('admin site rules', () => {
  let site: SiteUnderTest;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let token = '';
  let webhookUrl = '';
  let exportedPath = '';
  const seriousAxe: string[] = [];

  const card = (name: string) =>
    page.locator('.rule-card', { has: page.locator('.rule-card__title', { hasText: name }) });
  const titles = () => page.locator('.rule-card__title').allTextContents();

  beforeAll(async () => {
    site = await startSite();
    browser = await launchChromium();
    ({ page, errors } = await openPage(browser, { reducedApis: true }));
    await signInAs(page, site.runtime.url, ADMIN);
    await page.locator('#header-user').waitFor();
    // Configured through the API: these tests are about the rules.
    const types = (await apiCall(page, 'GET', '/api/projects/SEC/issue-types')).json as {
      issueTypes: { id: string; name: string }[];
    };
    const task = types.issueTypes.find((t) => t.name === 'Task');
    const saved = await apiCall(page, 'PUT', '/api/config', {
      expectedVersion: 0,
      projectKey: 'SEC',
      defaultIssueTypeId: task?.id,
    });
    expect(saved.status).toBe(200);
    token = ((await apiCall(page, 'POST', '/api/token')).json as { token: string }).token;
    webhookUrl = `${site.runtime.url}/webhook`;
    await page.reload();
    await page.locator('#header-user').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it(`receives ${BURST} failed logins of one user, each its own ticket today`, async () => {
    // Act
    const first = await pollUntil(
      () => postAlert(webhookUrl, token, keeperAlert({ username: USER })),
      (r) => r.status !== 401,
      TOKEN_CACHE_WAIT_MS,
    );
    expect(first.status).toBe(201);
    for (let i = 1; i < BURST; i += 1) {
      // Distinct timestamps: the same body twice would be one alert (deduplicated).
      const result = await postAlert(
        webhookUrl,
        token,
        keeperAlert({ username: USER, timestamp: new Date(Date.now() + i * 1000).toISOString() }),
      );
      expect(result.status).toBe(201);
    }
    // Assess
    const delivered = await pollUntil(
      () => deliveries(page),
      (items) => items.filter((d) => d.status === 'delivered').length === BURST,
      30_000,
    );
    expect(delivered.filter((d) => d.status === 'delivered')).toHaveLength(BURST);
    expect(await issueCount(site)).toBe(BURST);
  });

  it('builds a rule: the event found by its title, repeats grouped', async () => {
    // Prepare
    await page.goto(`${site.runtime.url}/#rules`);
    await page.locator('#add-rule').waitFor();
    expect(await page.locator('#rules-empty').isVisible()).toBe(true);
    // Act: a new rule, named
    await page.locator('#add-rule').click();
    const rule = page.locator('.rule-card').last();
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('.rule-card') !== null)).toBe(true);
    await rule.getByLabel('Rule name').fill(RULE_NAME);
    // Act: the event, searched by its title and picked from the list with the keyboard
    const events = rule.getByRole('combobox', { name: 'Events' });
    await events.fill('failed log');
    const listbox = rule.getByRole('listbox', { name: 'Suggestions for Events' });
    await expect.poll(() => listbox.isVisible()).toBe(true);
    expect(await listbox.getByRole('option').first().textContent()).toContain('Failed Login (login_failure)');
    await events.press('ArrowDown');
    expect(await events.getAttribute('aria-activedescendant')).toBeTruthy();
    await events.press('Enter');
    // Act: group repeats by the default key
    await rule.getByLabel('Group repeats into one issue').check();
    // Assess
    expect(await rule.locator('.chip').first().textContent()).toContain('Failed Login (login_failure)');
    expect(await rule.getByRole('list', { name: 'Group by fields' }).locator('.chip__text').allTextContents()).toEqual([
      'audit_event',
      'username',
    ]);
    expect(await rule.getByLabel('Group window (minutes)').inputValue()).toBe('60');
    expect(await rule.locator('.rule-card__summary').first().textContent()).toBe('When event is Failed Login');
    expect(await rule.locator('.rule-card__summary--actions').textContent()).toContain(
      'Group by audit_event + username for 60 min',
    );
    seriousAxe.push(...(await axeAtBothWidths(page, 'rules-editor')));
    await screenshots(page, 'rules-editor');
  });

  it('marks what is missing next to the control before saving, and a bad IP range where it was typed', async () => {
    // Prepare: a second rule, left without a name or event
    await page.locator('#add-rule').click();
    const rule = page.locator('.rule-card').last();
    await rule.getByLabel('Condition 1: type').selectOption('field');
    await rule.getByLabel('Payload field').fill('remote_address');
    await rule.getByLabel('Test').selectOption('cidr');
    await rule.getByRole('textbox', { name: 'IP ranges' }).fill('10.0.0.0/33');
    await rule.getByRole('textbox', { name: 'IP ranges' }).press('Enter');
    // Act
    await page.locator('#save-rules').click();
    // Assess
    const summary = page.locator('#rules-problems');
    await expect.poll(() => summary.isVisible()).toBe(true);
    expect(await summary.textContent()).toContain('Fix the 2 problems marked below before saving.');
    expect(await rule.getByLabel('Rule name').getAttribute('aria-invalid')).toBe('true');
    expect(await rule.locator('.field--invalid').first().textContent()).toContain('Give the rule a name.');
    expect(await rule.locator('.clause').textContent()).toContain(
      'The prefix length of “10.0.0.0/33” must be from 0 to 32.',
    );
    expect(await rule.locator('.rule-card__flag').isVisible()).toBe(true);
    seriousAxe.push(...(await axeAtBothWidths(page, 'rules-problems')));
    await screenshots(page, 'rules-problems');

    // Act: make it a category rule that suppresses
    await rule.getByLabel('Rule name').fill(OTHER_RULE);
    await rule.getByLabel('Condition 1: type').selectOption('category');
    const categories = rule.getByRole('combobox', { name: 'Categories' });
    await categories.fill('breachwatch');
    await categories.press('Enter');
    await rule.getByLabel('Suppress: create no ticket for matching alerts').check();
    // Assess
    expect(await rule.locator('.actions__rest').evaluate((e) => (e as HTMLFieldSetElement).disabled)).toBe(true);
    expect(await rule.locator('.rule-card__summary--actions').textContent()).toBe(
      'Suppress: no ticket, the alert is only recorded.',
    );
    expect(await titles()).toEqual([`1. ${RULE_NAME}`, `2. ${OTHER_RULE}`]);
  });

  it('reorders rules by keyboard: Alt+Arrow on a focused card, Move up / Move down, focus follows', async () => {
    // Act: Alt+ArrowUp on the second card
    await card(OTHER_RULE).focus();
    await page.keyboard.press('Alt+ArrowUp');
    // Assess
    expect(await titles()).toEqual([`1. ${OTHER_RULE}`, `2. ${RULE_NAME}`]);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-rule-id'))).toBe(
      await card(OTHER_RULE).getAttribute('data-rule-id'),
    );
    await expect
      .poll(() => page.locator('#rules-announcer').textContent())
      .toBe(`Rule ${OTHER_RULE} moved to position 1 of 2`);

    // Act: Move down with its button; the button is disabled at the bottom, so the card keeps focus
    await card(OTHER_RULE)
      .getByRole('button', { name: `Move down: ${OTHER_RULE}` })
      .click();
    // Assess
    expect(await titles()).toEqual([`1. ${RULE_NAME}`, `2. ${OTHER_RULE}`]);
    expect(await page.evaluate(() => document.activeElement?.classList.contains('rule-card'))).toBe(true);
    await expect
      .poll(() => page.locator('#rules-announcer').textContent())
      .toBe(`Rule ${OTHER_RULE} moved to position 2 of 2`);

    // Act: Move up keeps focus on the Move up button of the moved card while it can move further
    await card(OTHER_RULE)
      .getByRole('button', { name: `Move up: ${OTHER_RULE}` })
      .click();
    expect(await titles()).toEqual([`1. ${OTHER_RULE}`, `2. ${RULE_NAME}`]);
    expect(
      await page.evaluate(() => document.activeElement?.closest('.rule-card')?.querySelector('h3')?.textContent),
    ).toBe(`1. ${OTHER_RULE}`);
  });

  it('reorders rules by mouse: drag a card by its handle below another, a line showing where it lands', async () => {
    // Prepare: editors closed, so both cards are in view as one would have them to drag
    const open = page.locator('.rule-card__edit[aria-expanded="true"]');
    while ((await open.count()) > 0) await open.first().click();
    await page.locator('#rule-list').scrollIntoViewIfNeeded();
    const source = await card(OTHER_RULE).locator('.rule-card__handle').boundingBox();
    const target = await card(RULE_NAME).locator('.rule-card__head').boundingBox();
    if (!source || !target) throw new Error('The rule cards are not on screen');
    // Act: press on the handle, move onto the lower half of the other card's header
    await page.mouse.move(source.x + source.width / 2, source.y + source.height / 2);
    await page.mouse.down();
    await page.mouse.move(target.x + 80, target.y + target.height * 0.8, { steps: 8 });
    // One more event over the same spot: the browser may coalesce the last moves of a drag.
    await page.mouse.move(target.x + 90, target.y + target.height * 0.8);
    // Assess: the drop line is drawn below that card
    await expect.poll(() => card(RULE_NAME).getAttribute('class')).toContain('rule-card--drop-after');
    // Act: drop
    await page.mouse.up();
    // Assess
    await expect.poll(() => titles()).toEqual([`1. ${RULE_NAME}`, `2. ${OTHER_RULE}`]);
    expect(await page.locator('.rule-card--drop-before, .rule-card--drop-after').count()).toBe(0);
    await expect
      .poll(() => page.locator('#rules-announcer').textContent())
      .toBe(`Rule ${OTHER_RULE} moved to position 2 of 2`);
  });

  it('duplicates a rule below itself and deletes the copy after confirmation', async () => {
    // Act
    await card(RULE_NAME)
      .getByRole('button', { name: `Duplicate: ${RULE_NAME}` })
      .click();
    // Assess: the copy opens below its original, its name field focused
    expect(await titles()).toEqual([`1. ${RULE_NAME}`, `2. Copy of ${RULE_NAME}`, `3. ${OTHER_RULE}`]);
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe(
      `Copy of ${RULE_NAME}`,
    );
    const ids = await page
      .locator('.rule-card')
      .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-rule-id')));
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9-]{1,40}$/);
    // Act: delete it, through the confirmation
    await card(`Copy of ${RULE_NAME}`)
      .getByRole('button', { name: `Delete: Copy of ${RULE_NAME}` })
      .click();
    const dialog = page.getByRole('dialog', { name: `Delete the rule “Copy of ${RULE_NAME}”?` });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Delete rule' }).click();
    // Assess: focus on the card that took its place
    expect(await titles()).toEqual([`1. ${RULE_NAME}`, `2. ${OTHER_RULE}`]);
    expect(await page.evaluate(() => document.activeElement?.querySelector('h3')?.textContent)).toBe(
      `2. ${OTHER_RULE}`,
    );
  });

  it('previews the draft on the alerts received, with no Jira write', async () => {
    // Prepare
    const issuesBefore = await issueCount(site);
    // Act
    await page.locator('#preview-rules').click();
    // Assess
    const headline = page.locator('#preview-headline');
    await expect
      .poll(() => headline.textContent(), { timeout: 20_000 })
      .toBe(`${BURST} tickets today → 1 with this draft`);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('preview-headline');
    const count = (key: string) =>
      page.locator(`#preview-counts [data-count="${key}"] .preview-count__draft`).textContent();
    expect(await count('grouped')).toBe(String(BURST - 1));
    expect(await count('suppressed')).toBe('0');
    expect(await page.locator('#preview-table tbody tr').count()).toBe(BURST);
    expect(await page.locator('#preview-table tbody tr[data-changed="true"]').count()).toBeGreaterThan(0);
    expect(await page.locator('#preview-table tbody tr').last().textContent()).toContain(`Rule: ${RULE_NAME}`);
    expect(await page.locator('#preview-note').textContent()).toContain('Nothing is written to Jira');
    expect(await issueCount(site)).toBe(issuesBefore);
    // Act: only the alerts the draft changes
    await page.getByLabel(/^Only alerts the draft changes/).check();
    // Assess: filtering is no edit, so the preview is not called out of date
    expect(await page.locator('#preview-table tbody tr[data-changed="false"]').count()).toBe(0);
    expect(await page.locator('#preview-stale').isVisible()).toBe(false);
    seriousAxe.push(...(await axeAtBothWidths(page, 'rules-preview')));
    await screenshots(page, 'rules-preview');
  });

  it('shows a problem the relay finds when saving next to its control: an account that cannot be assigned', async () => {
    // Prepare
    const rule = card(RULE_NAME);
    await rule.getByRole('button', { name: `Edit: ${RULE_NAME}` }).click();
    const assignee = rule.getByRole('combobox', { name: 'Assignee' });
    await assignee.fill('no-such-account');
    // Act
    await page.locator('#save-rules').click();
    // Assess
    await expect.poll(() => assignee.getAttribute('aria-invalid')).toBe('true');
    expect(await rule.locator('.field--invalid').first().textContent()).toContain(
      'cannot be assigned issues in project SEC',
    );
    expect(await page.locator('#rules-problems').textContent()).toContain('Jira would not accept this configuration');
    expect(await rule.locator('.rule-card__flag').isVisible()).toBe(true);
    // Act: take it out again
    await assignee.fill('');
    await rule.getByRole('button', { name: `Close: ${RULE_NAME}` }).click();
  });

  it('saves the rules, which are there after a reload in their order', async () => {
    // Act
    await page.locator('#save-rules').click();
    // Assess
    await expect
      .poll(() => page.locator('.flag--success').last().textContent())
      .toMatch(/^Rules saved \(version \d+\)\.$/);
    expect(await page.locator('#rules-problems').isVisible()).toBe(false);
    await page.reload();
    await page.locator('.rule-card').first().waitFor();
    expect(await titles()).toEqual([`1. ${RULE_NAME}`, `2. ${OTHER_RULE}`]);
    const config = (await apiCall(page, 'GET', '/api/config')).json as {
      config: { rules: { name: string; when: unknown; actions: Record<string, unknown> }[] };
    };
    expect(config.config.rules.map((r) => r.name)).toEqual([RULE_NAME, OTHER_RULE]);
    expect(config.config.rules[0]?.when).toEqual({ match: 'all', clauses: [{ kind: 'event', in: ['login_failure'] }] });
    expect(config.config.rules[0]?.actions.grouping).toEqual({
      key: ['audit_event', 'username'],
      windowMinutes: 60,
      commentIntervalSeconds: 60,
      reopenWindowHours: 24,
    });
    expect(config.config.rules[1]?.actions).toEqual({ suppress: true });
  });

  it('picks the assignee by typing a name and the security level from the project’s scheme, and saves them', async () => {
    // Prepare
    const before = ((await apiCall(page, 'GET', '/api/config')).json as { config: { version: number } }).config.version;
    const rule = card(RULE_NAME);
    await rule.getByRole('button', { name: `Edit: ${RULE_NAME}` }).click();
    // Act: type part of a name, pick the person the list offers with the keyboard
    const assignee = rule.getByRole('combobox', { name: 'Assignee' });
    await assignee.fill('rita');
    const people = rule.getByRole('listbox', { name: 'People who can be assigned issues' });
    await expect.poll(() => people.isVisible()).toBe(true);
    const offered = await people.getByRole('option').allTextContents();
    expect(offered).toHaveLength(1);
    expect(offered[0]).toContain('Rita Regular');
    await assignee.press('ArrowDown');
    expect(await assignee.getAttribute('aria-activedescendant')).toBeTruthy();
    await assignee.press('Enter');
    // Act: the level, chosen by its name among SEC's
    const security = rule.getByLabel('Security level');
    await expect
      .poll(() => security.locator('option').allTextContents())
      .toEqual(['None', 'Internal', 'Security team only']);
    await security.selectOption({ label: 'Security team only' });
    // Assess: the name is shown, the list closed
    expect(await assignee.inputValue()).toBe('Rita Regular');
    expect(await assignee.getAttribute('aria-expanded')).toBe('false');
    seriousAxe.push(...(await axeAtBothWidths(page, 'rules-pickers')));
    // Act
    await page.locator('#save-rules').click();
    // Assess: saved as the account id and the level id, shown by name again after a reload
    await expect
      .poll(() => page.locator('.flag--success').last().textContent())
      .toBe(`Rules saved (version ${before + 1}).`);
    const config = (await apiCall(page, 'GET', '/api/config')).json as {
      config: { rules: { actions: Record<string, unknown> }[] };
    };
    expect(config.config.rules[0]?.actions.assigneeAccountId).toBe('712020:417a0000-0000-4000-8000-000000000003');
    expect(config.config.rules[0]?.actions.securityLevelId).toBe('10101');
    await page.reload();
    const reloaded = card(RULE_NAME);
    await reloaded.getByRole('button', { name: `Edit: ${RULE_NAME}` }).click();
    await expect.poll(() => reloaded.getByRole('combobox', { name: 'Assignee' }).inputValue()).toBe('Rita Regular');
    expect(await reloaded.getByLabel('Security level').inputValue()).toBe('10101');
    await reloaded.getByRole('button', { name: `Close: ${RULE_NAME}` }).click();
  });

  it('exports the configuration as a versioned JSON file', async () => {
    // Act
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-config').click()]);
    // Assess
    expect(download.suggestedFilename()).toMatch(/^keeper-jira-relay-config-v\d+-\d{4}-\d{2}-\d{2}\.json$/);
    exportedPath = join(site.dataDir, download.suggestedFilename());
    await download.saveAs(exportedPath);
    const document = JSON.parse(await readFile(exportedPath, 'utf8')) as {
      format: string;
      formatVersion: number;
      config: { rules: { name: string }[] };
    };
    expect(document.format).toBe('keeper-jira-relay/config');
    expect(document.formatVersion).toBe(1);
    expect(document.config.rules.map((r) => r.name)).toEqual([RULE_NAME, OTHER_RULE]);
  });

  it('imports a file after showing what it holds, and lists what the relay refuses', async () => {
    // Prepare: a broken copy (a rule id the relay refuses)
    const broken = JSON.parse(await readFile(exportedPath, 'utf8')) as { config: { rules: { id: string }[] } };
    const first = broken.config.rules[0];
    if (first) first.id = 'Not An Id';
    const brokenPath = join(site.dataDir, 'broken.json');
    await writeFile(brokenPath, JSON.stringify(broken));
    // Act
    await page.locator('#import-file').setInputFiles(brokenPath);
    await page.locator('#import-config').click();
    await page
      .getByRole('dialog', { name: 'Replace the configuration?' })
      .getByRole('button', { name: 'Import configuration' })
      .click();
    // Assess
    const problems = page.locator('#import-problems');
    await expect.poll(() => problems.isVisible()).toBe(true);
    expect(await problems.textContent()).toContain('rules.0.id');
    expect(await problems.textContent()).toContain('Nothing was changed.');

    // Act: the file as exported
    const before = ((await apiCall(page, 'GET', '/api/config')).json as { config: { version: number } }).config.version;
    await page.locator('#import-file').setInputFiles(exportedPath);
    // Assess: what it holds, before anything is sent
    const details = page.locator('#import-details');
    await expect.poll(() => details.isVisible()).toBe(true);
    expect(await details.locator('[data-fact="Format version"]').textContent()).toBe('1');
    expect(await details.locator('[data-fact="Rules"]').textContent()).toBe('2');
    seriousAxe.push(...(await axeAtBothWidths(page, 'rules-import')));
    await screenshots(page, 'rules-import');
    // Act
    await page.locator('#import-config').click();
    await page
      .getByRole('dialog', { name: 'Replace the configuration?' })
      .getByRole('button', { name: 'Import configuration' })
      .click();
    // Assess
    await expect
      .poll(() => page.locator('.flag--success').last().textContent())
      .toBe(`Configuration imported (version ${before + 1}).`);
    await page.locator('.rule-card').first().waitFor();
    expect(await titles()).toEqual([`1. ${RULE_NAME}`, `2. ${OTHER_RULE}`]);
  });

  it('has had no script error or CSP violation, and no serious or critical axe finding', () => {
    // Assess
    expect(errors).toEqual([]);
    expect(seriousAxe).toEqual([]);
  });

  // Needs the relay to group alerts at delivery (the rule decides, the ledger records the group).
  it('shows in Deliveries the group, its role and the rule of repeats sent after the save', async () => {
    // Act: three more failed logins of the same user
    for (let i = 0; i < 3; i += 1) {
      const result = await postAlert(
        webhookUrl,
        token,
        keeperAlert({ username: USER, timestamp: new Date(Date.now() + 60_000 + i * 1000).toISOString() }),
      );
      expect([200, 201, 202]).toContain(result.status);
    }
    await pollUntil(
      () => deliveries(page),
      (items) => items.filter((d) => d.rule?.name === RULE_NAME).length >= 3,
      30_000,
    );
    await page.getByRole('tab', { name: 'Deliveries' }).click();
    // Assess
    const grouped = page.locator('#deliveries-table tbody tr[data-status="grouped"]');
    await expect.poll(() => grouped.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    const row = grouped.first();
    expect(await row.locator('[data-status="grouped"]').textContent()).toBe('Grouped');
    expect(await row.locator('[data-group-lozenge]').textContent()).toBe('Joined group');
    expect(await row.locator('.delivery-rule').textContent()).toBe(`Rule: ${RULE_NAME}`);
    expect(await page.locator('#deliveries-table [data-group-lozenge="opened"]').count()).toBeGreaterThanOrEqual(1);
    // Act: the status filter offers Grouped
    await page.getByLabel('Status', { exact: true }).selectOption('grouped');
    // Assess
    await expect.poll(() => new URL(page.url()).hash).toBe('#deliveries/grouped');
    await expect.poll(() => page.locator('#deliveries-table tbody tr:not([data-status="grouped"])').count()).toBe(0);
    seriousAxe.push(...(await axeAtBothWidths(page, 'deliveries-groups')));
    expect(seriousAxe).toEqual([]);
    await screenshots(page, 'deliveries-groups');
  });

  it('keeps unsaved rule edits over an ended session and offers them again on the Rules tab', async () => {
    // Prepare: an edit not saved, then the session ends
    await page.goto(`${site.runtime.url}/#rules`);
    const rule = card(RULE_NAME);
    await rule.getByRole('button', { name: `Edit: ${RULE_NAME}` }).click();
    await rule.getByLabel('Rule name').fill('Failed logins, renamed');
    await apiCall(page, 'POST', '/api/logout');
    // Act: the save meets the ended session
    await page.locator('#save-rules').click();
    await expect.poll(() => page.getByRole('link', { name: 'Sign in with Atlassian' }).isVisible()).toBe(true);
    expect(await page.locator('main').textContent()).toContain('Your unsaved changes are kept');
    await signInAs(page, site.runtime.url, ADMIN);
    await page.locator('#header-user').waitFor();
    // Assess: the flag leads to the Rules tab, where the edit is back as a draft
    const open = page.getByRole('button', { name: 'Open Rules' });
    if (!new URL(page.url()).hash.startsWith('#rules')) await open.click();
    await expect.poll(() => page.locator('#restored-drafts').isVisible()).toBe(true);
    expect(await titles()).toEqual(['1. Failed logins, renamed', `2. ${OTHER_RULE}`]);
  });
});
