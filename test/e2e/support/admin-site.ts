/**
 * What the admin site's browser tests share: a fresh build, the local runtime (same handlers as
 * the Lambdas, Jira stand-in), Debian's Chromium through playwright-core, sign-in through the
 * stand-in's Atlassian pages, axe-core, and screenshots when asked for (`SCREENSHOTS_DIR`).
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { build } from 'vite';
import { type LocalRuntime, startLocalRuntime } from '#local/runtime.ts';

export const ROOT = resolve(import.meta.dirname, '..', '..', '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Seeded accounts of the Jira stand-in (local/jira-stand-in/seed.ts). */
export const ADMIN = 'Alice Admin';
export const PROJECT_ADMIN = 'Pat ProjectAdmin';

export const DESKTOP = { width: 1280, height: 800 };
export const MOBILE = { width: 375, height: 812 };

/** Instances cache token hashes for 5 s; allow a margin before calling a token "still accepted". */
export const TOKEN_CACHE_WAIT_MS = 15_000;

/**
 * The browser APIs newer than the oldest promised browsers (Firefox 88, Safari / iOS 14, Chrome 90)
 * that the site must do without: removed before any page script runs.
 */
export const REMOVE_NEWER_APIS = `(() => {
  delete HTMLDialogElement.prototype.showModal;
  delete Object.hasOwn;
  delete window.structuredClone;
  delete Array.prototype.at;
  delete String.prototype.at;
  delete Array.prototype.findLast;
  delete Array.prototype.findLastIndex;
  delete Object.groupBy;
  if (window.crypto) delete Object.getPrototypeOf(window.crypto).randomUUID;
  delete AbortSignal.timeout;
})();`;

export interface SiteUnderTest {
  runtime: LocalRuntime;
  dataDir: string;
  /** Stops the relay (and its Jira stand-in) as a crash or a stopped server would, data kept. */
  stopRelay(): Promise<void>;
  close(): Promise<void>;
}

let built: Promise<unknown> | undefined;

/** Builds the site once per test file (the test runs what the code is now, not an old build). */
export async function startSite(): Promise<SiteUnderTest> {
  built ??= build({ configFile: join(ROOT, 'web-admin', 'vite.config.ts'), logLevel: 'warn' });
  await built;
  const dataDir = await mkdtemp(join(tmpdir(), 'relay-e2e-'));
  // A replaced token stops working once the instance's hash cache expires: keep that within the tests' wait.
  const runtime = await startLocalRuntime({
    port: 0,
    jiraPort: 0,
    dataDir,
    quiet: true,
    settings: { TOKEN_CACHE_SECONDS: 5 },
  });
  let stopped = false;
  const stopRelay = async (): Promise<void> => {
    if (!stopped) await runtime.close();
    stopped = true;
  };
  return {
    runtime,
    dataDir,
    stopRelay,
    async close() {
      await stopRelay();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Script errors and CSP violations seen so far. */
  errors: string[];
}

/** A page whose script errors and CSP violations are collected (the site must need no exception). */
export async function openPage(browser: Browser, options: { reducedApis?: boolean } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC' });
  if (options.reducedApis) await context.addInitScript({ content: REMOVE_NEWER_APIS });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (
      message.type() === 'error' &&
      /Content Security Policy|Unexpected error in the admin site/i.test(message.text())
    )
      errors.push(message.text());
  });
  return { page, context, errors };
}

/** Goes through the stand-in's Atlassian sign-in and consent pages as `displayName`. */
export async function signInAs(page: Page, baseUrl: string, displayName: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByRole('link', { name: 'Sign in with Atlassian' }).click();
  await page.getByRole('button', { name: new RegExp(displayName) }).click();
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.waitForURL((url) => url.toString().startsWith(baseUrl));
}

export function keeperAlert(overrides: Record<string, unknown> = {}): Record<string, unknown> {
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

export async function postAlert(
  webhookUrl: string,
  token: string,
  body: Record<string, unknown>,
): Promise<{ status: number; json: Record<string, unknown> }> {
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
export async function pollUntil<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    value = await read();
  }
  return value;
}

/** Calls a control endpoint of the Jira stand-in (`/_stand-in/…`). */
export async function standIn(runtime: LocalRuntime, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${runtime.jiraUrl}/_stand-in${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return text ? JSON.parse(text) : undefined;
}

// --- axe-core ----------------------------------------------------------------------------------

const requireFromHere = createRequire(import.meta.url);
let axeSource: Promise<string> | undefined;

export interface AxeFinding {
  id: string;
  impact: string;
  nodes: number;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core on the page as it is. The script is evaluated through the DevTools protocol, which
 * the page's CSP does not govern, so the site's CSP stays as strict as in production.
 */
export async function axeViolations(page: Page): Promise<AxeFinding[]> {
  axeSource ??= readFile(requireFromHere.resolve('axe-core/axe.min.js'), 'utf8');
  const source = await axeSource;
  await page.evaluate(`if (!window.axe) { ${source} }`);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            context: Document,
            options: object,
          ): Promise<{
            violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? 'unknown',
      nodes: v.nodes.length,
      help: v.help,
      targets: v.nodes.slice(0, 3).map((n) => String(n.target.join(' '))),
    }));
  });
}

/** Every finding at this width and the previous ones, by screen, for the closing report. */
export const axeLog: { screen: string; width: number; findings: AxeFinding[] }[] = [];

/** axe at 1280 and 375 px; returns the serious and critical findings (to be none). */
export async function axeAtBothWidths(page: Page, screen: string): Promise<string[]> {
  const serious: string[] = [];
  for (const size of [DESKTOP, MOBILE]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(100);
    const findings = await axeViolations(page);
    axeLog.push({ screen, width: size.width, findings });
    for (const f of findings) {
      if (f.impact === 'serious' || f.impact === 'critical')
        serious.push(`${screen} @${size.width}px: ${f.id} (${f.impact}) ${f.help} — ${f.targets.join(', ')}`);
    }
  }
  await page.setViewportSize(DESKTOP);
  return serious;
}

// --- screenshots ---------------------------------------------------------------------------------

/**
 * Full-page screenshots at desktop and phone width, only when `SCREENSHOTS_DIR` names a folder;
 * secrets on screen are masked. Earlier flags are removed first so they do not cover the screen.
 */
export async function screenshots(
  page: Page,
  name: string,
  options: { mask?: Locator[]; fullPage?: boolean } = {},
): Promise<void> {
  const dir = process.env.SCREENSHOTS_DIR;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await page.evaluate(() => {
    for (const flag of document.querySelectorAll('.flag')) flag.remove();
  });
  for (const [suffix, size] of [
    ['desktop', DESKTOP],
    ['mobile', MOBILE],
  ] as const) {
    await page.setViewportSize(size);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(150);
    await page.screenshot({
      path: join(resolve(dir), `${name}-${suffix}.png`),
      fullPage: options.fullPage ?? true,
      mask: options.mask ?? [],
      animations: 'disabled',
    });
  }
  await page.setViewportSize(DESKTOP);
}
