/**
 * The admin site when things go wrong, and for people who do not use a mouse or a desk: the status
 * banner with Jira down (degraded, with reason and since when; the saved configuration still
 * readable) and with the relay stopped (unreachable, one banner, no flag every 10 s); a keyboard-only
 * journey with the unsaved-changes guard; 44 px targets, 16 px inputs and flags that leave the used
 * control visible at 375 px. Chromium with every API (the native `<dialog>` path).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  axeAtBothWidths,
  DESKTOP,
  keeperAlert,
  launchChromium,
  MOBILE,
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

/** Presses Tab until the focused element matches `selector`; fails after `max` presses. */
async function tabTo(page: Page, selector: string, max = 80): Promise<void> {
  for (let i = 0; i < max; i += 1) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

function focusedId(page: Page): Promise<string> {
  return page.evaluate(() => document.activeElement?.id ?? '');
}

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

describe('admin site status, keyboard and phone', () => {
  let site: SiteUnderTest;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let token = '';
  let webhookUrl = '';

  beforeAll(async () => {
    site = await startSite();
    browser = await launchChromium();
    ({ page, errors } = await openPage(browser));
    await signInAs(page, site.runtime.url, ADMIN);
    await page.locator('#header-user').waitFor();
    // Configured through the API: these tests are about what happens afterwards.
    const types = (await apiCall(page, 'GET', '/api/projects/SEC/issue-types')).json as {
      issueTypes: { id: string; name: string }[];
    };
    const task = types.issueTypes.find((t) => t.name === 'Task');
    expect(
      (
        await apiCall(page, 'PUT', '/api/config', {
          expectedVersion: 0,
          projectKey: 'SEC',
          defaultIssueTypeId: task?.id,
        })
      ).status,
    ).toBe(200);
    token = ((await apiCall(page, 'POST', '/api/token')).json as { token: string }).token;
    webhookUrl = `${site.runtime.url}/webhook`;
    await page.reload();
    await page.locator('#header-user').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('goes through the mapping with the keyboard alone, keeping focus on the busy control', async () => {
    // Prepare: from the skip link into the tabs
    await page.goto(`${site.runtime.url}/#setup`);
    await page.locator('#tab-setup').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    // Act: the tabs with the arrow keys
    await tabTo(page, '#tab-setup');
    await page.keyboard.press('ArrowRight');
    // Assess
    await expect.poll(() => new URL(page.url()).hash).toBe('#advanced');
    expect(await focusedId(page)).toBe('tab-advanced');

    // Act: add a priority rule, choose its priority, save — keys only
    await page.locator('#priorityMapping-add-rule').waitFor();
    await tabTo(page, '#priorityMapping-add-rule');
    await page.keyboard.press('Enter');
    await page.keyboard.type('login_failure');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await tabTo(page, '#priorityMapping-section-save');
    await page.keyboard.press('Enter');
    // Assess
    await expect.poll(() => page.locator('.flag--success').count()).toBeGreaterThan(0);
    expect(await page.locator('.flag--success').last().textContent()).toContain('Priority Mapping saved');
    expect(await focusedId(page)).toBe('priorityMapping-section-save');
  });

  it('asks before an unsaved edit is dropped by a tab switch, and stays when told to', async () => {
    // Prepare: an edit that is not saved
    await tabTo(page, '#priorityMapping-add-rule');
    await page.keyboard.press('Enter');
    await page.keyboard.type('account_recovery');
    // Act: leave for the next tab (Rules) with the keyboard
    await tabTo(page, '#tab-advanced');
    await page.keyboard.press('ArrowRight');
    const dialog = page.getByRole('dialog', { name: 'Discard unsaved changes?' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.textContent()).toContain('Priority Mapping');
    // Destructive: Cancel has the focus, Escape keeps the edit.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Escape');
    // Assess
    await expect.poll(() => dialog.count()).toBe(0);
    expect(new URL(page.url()).hash).toBe('#advanced');
    expect(
      await page
        .locator('#priorityMapping-section input[value="account_recovery"], #priorityMapping-section input')
        .last()
        .inputValue(),
    ).toBe('account_recovery');

    // Act: leave again and discard
    await tabTo(page, '#tab-advanced');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Discard changes');
    await page.keyboard.press('Enter');
    // Assess: the tab right of Advanced Configuration
    await expect.poll(() => new URL(page.url()).hash).toBe('#rules');
  });

  it('keeps unsaved edits over an ended session and offers them again after signing in', async () => {
    // Prepare: an edit in Advanced, then the session ends (as it would after hours)
    await page.goto(`${site.runtime.url}/#advanced`);
    await page.locator('#issueTypeMapping-add-rule').click();
    await page.locator('#issueTypeMapping-section input[type="text"]').last().fill('record_delete');
    await page.locator('#issueTypeMapping-section select').last().selectOption({ index: 1 });
    await apiCall(page, 'POST', '/api/logout');
    // Act: the save meets the ended session
    await page.getByRole('button', { name: 'Save Issue Type Mapping' }).click();
    // Assess
    await expect.poll(() => page.getByRole('link', { name: 'Sign in with Atlassian' }).isVisible()).toBe(true);
    expect(await page.locator('main').textContent()).toContain('Your unsaved changes are kept');
    // Act: sign in again and come back
    await signInAs(page, site.runtime.url, ADMIN);
    await page.locator('#header-user').waitFor();
    await page.goto(`${site.runtime.url}/#advanced`);
    // Assess
    await expect.poll(() => page.locator('#restored-drafts').isVisible()).toBe(true);
    const values = await page
      .locator('#issueTypeMapping-section input[type="text"]')
      .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
    expect(values).toContain('record_delete');
    // Act: saving the restored section ends the draft
    await page.getByRole('button', { name: 'Save Issue Type Mapping' }).click();
    await expect.poll(() => page.locator('.flag--success').last().textContent()).toContain('Issue Type Mapping saved');
  });

  it('keeps 44 px touch targets and 16 px inputs on a phone, and a flag never covers the control just used', async () => {
    // Prepare
    await page.setViewportSize(MOBILE);
    await page.goto(`${site.runtime.url}/#setup`);
    await page.locator('#save-config-button').waitFor();
    await expect.poll(() => page.locator('#issue-type-select').isEnabled()).toBe(true);
    // Act
    const small = await page.evaluate(() =>
      Array.from(
        document.querySelectorAll<HTMLElement>(
          'main button, main a.button, .tabs__tab, main input, main select, .topnav button',
        ),
      )
        .filter((e) => e.offsetParent !== null && !e.closest('.visually-hidden'))
        .map((e) => ({
          what: e.id || e.textContent?.trim() || e.tagName,
          height: e.getBoundingClientRect().height,
          font: parseFloat(getComputedStyle(e).fontSize),
          input: e.matches('input, select'),
        }))
        .filter((e) => e.height < 44 || (e.input && e.font < 16)),
    );
    await page.locator('#save-config-button').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.flag--success').count()).toBeGreaterThan(0);
    const covered = await page.evaluate(() => {
      const button = document.getElementById('save-config-button');
      const box = button?.getBoundingClientRect();
      if (!button || !box) return 'no button';
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      return hit && button.contains(hit) ? '' : `covered by ${hit?.className ?? 'nothing'}`;
    });
    // Assess
    expect(small).toEqual([]);
    expect(covered).toBe('');
    await page.setViewportSize(DESKTOP);
  });

  it('says Jira is degraded, why and since when, while the saved configuration stays readable', async () => {
    // Prepare: Jira answers 503 to everything; three alerts make the relay open its breaker
    await standIn(site.runtime, 'PUT', '/outage', { mode: '503' });
    for (const n of [1, 2, 3]) {
      const result = await pollUntil(
        () => postAlert(webhookUrl, token, keeperAlert({ description: `attempt ${n}` })),
        (r) => r.status !== 401,
        TOKEN_CACHE_WAIT_MS,
      );
      expect(result.status).toBe(202);
    }
    // Act
    await page.goto(`${site.runtime.url}/#advanced`);
    // Assess: the banner
    await expect
      .poll(() => page.locator('#connection-state').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('degraded');
    const text = await page.locator('#status-text').textContent();
    expect(text).toMatch(/Jira (is not answering|had a server error)/);
    expect(text).toContain('Since');
    expect(
      Number(await page.locator('#count-retrying [data-count]').getAttribute('data-count')),
    ).toBeGreaterThanOrEqual(1);
    // Assess: the mappings can be read without Jira
    await expect.poll(() => page.locator('#saved-config').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await page.locator('#saved-config').textContent()).toContain('Project SEC');
    expect(await page.locator('#saved-config').textContent()).toContain('Priority Mapping');
    // Assess: the target too
    await page.getByRole('tab', { name: 'Web Trigger Setup' }).click();
    await expect.poll(() => page.locator('#saved-target').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await page.locator('#saved-target').textContent()).toContain('SEC — Security Operations');
    expect(await axeAtBothWidths(page, 'jira-down')).toEqual([]);
    await screenshots(page, 'jira-down');
    // Assess: the retrying alert explains itself in Deliveries
    await page.goto(`${site.runtime.url}/#deliveries/retrying`);
    const row = page.locator('#deliveries-table tbody tr').first();
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    expect(await row.locator('.delivery-error p').first().textContent()).toMatch(
      /^Jira (is not answering|had a server error)/,
    );
    expect(await row.locator('.next-retry').count()).toBe(1);
    await screenshots(page, 'deliveries-retrying');
    await standIn(site.runtime, 'DELETE', '/outage');
  });

  it('says the relay is unreachable in the one banner, without a new flag on every refresh', async () => {
    // Prepare
    await page.goto(`${site.runtime.url}/#deliveries`);
    await page.locator('#deliveries-updated').filter({ hasText: 'Updated' }).waitFor();
    await page.evaluate(() => {
      for (const f of document.querySelectorAll('.flag')) f.remove();
    });
    // Act: the relay stops
    await site.stopRelay();
    // Assess: the deliveries refresh (every 10 s) notices, the banner says it, in place
    await expect
      .poll(() => page.locator('#connection-state').getAttribute('data-state'), { timeout: 25_000 })
      .toBe('unreachable');
    expect(await page.locator('#status-banner').count()).toBe(1);
    expect(await page.locator('#status-retry').isVisible()).toBe(true);
    await page.waitForTimeout(21_000);
    expect(await page.locator('.flag').count()).toBe(0);
    expect(await page.locator('#deliveries-updated').textContent()).toContain('Could not refresh');
    expect(await axeAtBothWidths(page, 'relay-unreachable')).toEqual([]);
    await screenshots(page, 'relay-unreachable');
    expect(errors).toEqual([]);
  });
});
