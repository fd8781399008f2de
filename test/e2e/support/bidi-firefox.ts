/**
 * A minimal WebDriver BiDi client for Debian's Firefox ESR: playwright-core drives only its own
 * Firefox build, and a full client would need geckodriver, a download. Firefox speaks BiDi itself
 * when started with `--remote-debugging-port`; Node's global WebSocket talks to it. Only what the
 * journey needs: navigate, evaluate, real pointer clicks and key presses, log entries.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/**
 * A quiet profile: BiDi only, and every background service pointed at a closed loopback port so
 * the browser sends nothing anywhere but the relay under test.
 */
const PREFS: Record<string, string | number | boolean> = {
  'remote.active-protocols': 1,
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.newtabpage.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.region.network.url': '',
  'browser.search.geoip.url': '',
  'app.update.disabledForTesting': true,
  'app.normandy.enabled': false,
  'app.normandy.api_url': '',
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.server': 'http://127.0.0.1:1/',
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'services.settings.server': 'http://127.0.0.1:1/',
  'messaging-system.rsexperimentloader.enabled': false,
  'nimbus.debug': false,
  'extensions.update.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'extensions.blocklist.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'captivedetect.canonicalURL': '',
  'media.gmp-manager.url': 'http://127.0.0.1:1/',
  'security.OCSP.enabled': 0,
  'browser.ping-centre.telemetry': false,
  'privacy.query_stripping.enabled': false,
};

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** A BiDi remote value for a node: what `input.performActions` needs to aim at it. */
interface SharedNode {
  sharedId: string;
}

export class FirefoxBidi {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Console errors and uncaught exceptions reported by the page (`log.entryAdded`). */
  readonly logErrors: string[] = [];

  /** The top-level browsing context (the tab) every command aims at. */
  context = '';

  private constructor(
    private readonly process: ChildProcess,
    private readonly socket: WebSocket,
    private readonly profile: string,
  ) {
    socket.addEventListener('message', (event) => this.onMessage(String(event.data)));
  }

  static async launch(): Promise<FirefoxBidi> {
    const profile = await mkdtemp(join(tmpdir(), 'relay-firefox-'));
    await writeFile(
      join(profile, 'user.js'),
      Object.entries(PREFS)
        .map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`)
        .join('\n'),
    );
    const child = spawn(
      FIREFOX,
      ['--headless', '--no-remote', '--profile', profile, '--remote-debugging-port=0', 'about:blank'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1' },
      },
    );
    const url = await new Promise<string>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(
        () => reject(new Error(`Firefox did not start WebDriver BiDi: ${seen.slice(-500)}`)),
        30_000,
      );
      child.stderr?.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        const match = /WebDriver BiDi listening on (ws:\/\/[^\s]+)/.exec(seen);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`Firefox exited (${code}): ${seen.slice(-500)}`)));
    });
    const socket = new WebSocket(`${url}/session`);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error('WebDriver BiDi socket failed')), { once: true });
    });
    const session = new FirefoxBidi(child, socket, profile);
    await session.send('session.new', { capabilities: { alwaysMatch: { acceptInsecureCerts: false } } });
    const tree = (await session.send('browsingContext.getTree', {})) as { contexts: { context: string }[] };
    const context = tree.contexts[0]?.context;
    if (!context) throw new Error('Firefox has no browsing context');
    session.context = context;
    await session.send('session.subscribe', { events: ['log.entryAdded'] });
    return session;
  }

  private onMessage(data: string): void {
    const message = JSON.parse(data) as {
      id?: number;
      type: string;
      result?: unknown;
      error?: string;
      message?: string;
      method?: string;
      params?: Record<string, unknown>;
    };
    if (message.id !== undefined) {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (message.type === 'error') waiting.reject(new Error(`${message.error}: ${message.message}`));
      else waiting.resolve(message.result);
      return;
    }
    if (message.method === 'log.entryAdded' && message.params?.level === 'error')
      this.logErrors.push(String(message.params.text));
  }

  send(method: string, params: Record<string, unknown>): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  async navigate(url: string): Promise<void> {
    await this.send('browsingContext.navigate', { context: this.context, url, wait: 'complete' });
  }

  /** Evaluates `expression` in the page; its value must be JSON-serialisable. */
  async evaluate<T>(expression: string): Promise<T> {
    const result = (await this.send('script.evaluate', {
      expression: `(async () => JSON.stringify(await (${expression})))()`,
      target: { context: this.context },
      awaitPromise: true,
    })) as { type: string; result?: { value?: string }; exceptionDetails?: { text: string } };
    if (result.type === 'exception') throw new Error(`Page script failed: ${result.exceptionDetails?.text ?? ''}`);
    const text = result.result?.value;
    return (text === undefined ? undefined : JSON.parse(text)) as T;
  }

  /** Polls a page expression until it is truthy. */
  async waitFor(expression: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await this.evaluate<boolean>(`Boolean(${expression})`).catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`Timed out waiting for ${expression}`);
  }

  private async node(selector: string): Promise<SharedNode> {
    const found = (await this.send('browsingContext.locateNodes', {
      context: this.context,
      locator: { type: 'css', value: selector },
      maxNodeCount: 1,
    })) as { nodes: SharedNode[] };
    const node = found.nodes[0];
    if (!node) throw new Error(`No element matches ${selector}`);
    return node;
  }

  /** A real pointer click in the middle of the element (scrolled into view first). */
  async click(selector: string): Promise<void> {
    await this.evaluate(`document.querySelector(${JSON.stringify(selector)}).scrollIntoView({ block: 'center' })`);
    const node = await this.node(selector);
    await this.send('input.performActions', {
      context: this.context,
      actions: [
        {
          type: 'pointer',
          id: 'mouse',
          parameters: { pointerType: 'mouse' },
          actions: [
            { type: 'pointerMove', x: 0, y: 0, origin: { type: 'element', element: node } },
            { type: 'pointerDown', button: 0 },
            { type: 'pointerUp', button: 0 },
          ],
        },
      ],
    });
  }

  /** Real key presses, e.g. `['Tab']` or the characters of a word; `\uE007` is Enter. */
  async keys(keys: readonly string[]): Promise<void> {
    await this.send('input.performActions', {
      context: this.context,
      actions: [
        {
          type: 'key',
          id: 'keyboard',
          actions: keys.flatMap((value) => [
            { type: 'keyDown', value },
            { type: 'keyUp', value },
          ]),
        },
      ],
    });
  }

  async close(): Promise<void> {
    try {
      await Promise.race([this.send('browser.close', {}), new Promise((r) => setTimeout(r, 3000))]);
    } catch {
      // Closing races the socket going away: either way the process is ended below.
    }
    this.socket.close();
    if (this.process.exitCode === null) this.process.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await rm(this.profile, { recursive: true, force: true });
  }
}
