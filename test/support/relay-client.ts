/**
 * A client of the running local relay, used the way a browser and Keeper would: the OAuth
 * redirects are followed by hand (cookies kept), the admin API is called with the session cookie,
 * alerts are POSTed with a Bearer token.
 */
export interface SignInOutcome {
  readonly session?: string;
  /** `not_admin`, `wrong_site` or `oauth_failed` when access was denied. */
  readonly deniedReason?: string;
  readonly setCookies: string[];
}

function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie();
}

function cookieValue(setCookies: string[], name: string): string | undefined {
  for (const entry of setCookies) {
    const [pair] = entry.split(';');
    const [key, ...rest] = (pair ?? '').split('=');
    if (key?.trim() === name) return rest.join('=');
  }
  return undefined;
}

/** Signs in through the Jira stand-in's authorize endpoint as the user with `email`. */
export async function signIn(relayUrl: string, email: string): Promise<SignInOutcome> {
  const login = await fetch(`${relayUrl}/oauth/login`, { redirect: 'manual' });
  const authorize = login.headers.get('location') ?? '';
  const binding = cookieValue(cookiesOf(login), 'relay_oauth') ?? '';
  const consent = await fetch(`${authorize}&login_hint=${encodeURIComponent(email)}&consent=approve`, {
    redirect: 'manual',
  });
  const callback = consent.headers.get('location') ?? '';
  const done = await fetch(callback, { redirect: 'manual', headers: { cookie: `relay_oauth=${binding}` } });
  const setCookies = cookiesOf(done);
  const location = new URL(done.headers.get('location') ?? '/', relayUrl);
  const session = cookieValue(setCookies, 'relay_session');
  const deniedReason =
    location.searchParams.get('signin') === 'denied' ? (location.searchParams.get('reason') ?? 'unknown') : undefined;
  return { ...(session ? { session } : {}), ...(deniedReason ? { deniedReason } : {}), setCookies };
}

export class AdminClient {
  constructor(
    private readonly relayUrl: string,
    private readonly session: string,
  ) {}

  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.relayUrl}${path}`, {
      method,
      headers: { cookie: `relay_session=${this.session}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : method === 'GET' ? {} : { body: '{}' }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }
}

export async function postAlert(
  relayUrl: string,
  body: string,
  token: string | undefined,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${relayUrl}/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
