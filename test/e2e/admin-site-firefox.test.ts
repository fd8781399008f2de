/**
 * The main admin journey in Debian's Firefox ESR, driven over WebDriver BiDi (real pointer clicks
 * and key presses): sign in, choose the target, generate a token, send a test alert, regenerate the
 * token through its dialog, see the alert in Deliveries. Gecko differs from Chromium in layout,
 * `<dialog>` and event order; this is the check that the site works there too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, type SiteUnderTest, startSite } from './support/admin-site.ts';
import { FirefoxBidi } from './support/bidi-firefox.ts';

describe('admin site in Firefox ESR over WebDriver BiDi', () => {
  let site: SiteUnderTest;
  let firefox: FirefoxBidi;

  beforeAll(async () => {
    site = await startSite();
    firefox = await FirefoxBidi.launch();
  });

  afterAll(async () => {
    await firefox?.close();
    await site?.close();
  });

  it('signs a Jira administrator in through the Atlassian pages', async () => {
    // Act
    await firefox.navigate(`${site.runtime.url}/`);
    await firefox.waitFor(`document.querySelector('#signin-button')`);
    await firefox.click('#signin-button');
    await firefox.waitFor(
      `[...document.querySelectorAll('button')].some((b) => b.textContent.includes(${JSON.stringify(ADMIN)}))`,
    );
    const account = await firefox.evaluate<number>(
      `[...document.querySelectorAll('button')].findIndex((b) => b.textContent.includes(${JSON.stringify(ADMIN)}))`,
    );
    await firefox.click(`button:nth-of-type(${account + 1})`);
    await firefox.waitFor(`document.querySelector('button[value="approve"]')`);
    await firefox.click('button[value="approve"]');
    // Assess
    await firefox.waitFor(`document.querySelector('#header-user')`);
    expect(await firefox.evaluate<string>(`document.querySelector('#header-user').textContent`)).toBe(ADMIN);
    expect(await firefox.evaluate<string>(`document.querySelector('h1').textContent`)).toBe('Keeper Jira Relay');
    await firefox.waitFor(`document.querySelector('#connection-state')?.dataset.state === 'connected'`);
  });

  it('saves the target project chosen with the keyboard', async () => {
    // Prepare
    await firefox.waitFor(`document.querySelector('#project-select option[value="SEC"]')`);
    // Act: focus the select with a click, pick SEC by typing, as a person would
    await firefox.click('#project-select');
    await firefox.keys(['\uE00C']);
    await firefox.keys(['S', 'E', 'C', '\uE004']);
    await firefox.waitFor(`document.querySelector('#project-select').value === 'SEC'`);
    await firefox.waitFor(
      `!document.querySelector('#issue-type-select').disabled && document.querySelector('#issue-type-select').value !== ''`,
    );
    await firefox.click('#save-config-button');
    // Assess
    await firefox.waitFor(`document.querySelector('.flag--success')?.textContent.includes('Configuration saved')`);
  });

  it('generates a token, sends a test alert and shows the issue', async () => {
    // Act
    await firefox.click('#generate-token-button');
    await firefox.waitFor(`document.querySelector('#new-token')?.value.length >= 32`);
    await firefox.click('#test-trigger-button');
    // Assess
    await firefox.waitFor(`/^SEC-\\d+$/.test(document.querySelector('#test-issue-link')?.textContent ?? '')`, 20_000);
  });

  it('regenerates the token through the confirmation dialog', async () => {
    // Prepare
    const before = await firefox.evaluate<string>(`document.querySelector('#new-token').value`);
    // Act
    await firefox.click('#generate-token-button');
    await firefox.waitFor(`document.querySelector('dialog[open]')`);
    // Destructive: focus starts on Cancel and Tab reaches the confirm button.
    const startsOn = await firefox.evaluate<string>(`document.activeElement.textContent`);
    await firefox.keys(['\uE004']);
    const thenOn = await firefox.evaluate<string>(`document.activeElement.textContent`);
    await firefox.click('dialog[open] .button--danger');
    // Assess
    expect([startsOn, thenOn]).toEqual(['Cancel', 'Regenerate Token']);
    await firefox.waitFor(
      `document.querySelector('#new-token') && document.querySelector('#new-token').value !== ${JSON.stringify(before)}`,
    );
    expect(await firefox.evaluate<number>(`document.querySelectorAll('dialog').length`)).toBe(0);
  });

  it('lists the delivered test alert in Deliveries with its catalogue title and lozenge', async () => {
    // Act
    await firefox.click('#tab-deliveries');
    // Assess
    await firefox.waitFor(`document.querySelector('#deliveries-table tbody tr [data-status="delivered"]')`, 15_000);
    const row = await firefox.evaluate<{ status: string; title: string; code: string | null }>(
      `(() => { const r = document.querySelector('#deliveries-table tbody tr'); const t = r.querySelector('.event-title'); return { status: r.querySelector('[data-status]').textContent, title: t.textContent, code: t.getAttribute('title') }; })()`,
    );
    expect(row.status).toBe('Delivered');
    expect(row.code).toMatch(/^Event code: /);
    expect(row.title).not.toBe(row.code?.replace('Event code: ', ''));
  });

  it('reported no script error or CSP violation', () => {
    // Assess
    // The stand-in's own sign-in pages forbid everything, the favicon Firefox asks for included.
    expect(firefox.logErrors.filter((text) => !text.includes(site.runtime.jiraUrl))).toEqual([]);
  });
});
