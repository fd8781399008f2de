/**
 * A relay ready to take alerts, set up the way an administrator does it (sign in as Alice, save
 * project SEC with issue type Task, generate the webhook token), and the bookkeeping the delivery
 * tests and the benchmark share: which Jira issue belongs to which alert, found by the per-alert
 * label every ticket carries.
 */
import { alertLabel, dedupKey } from '#domain/alert/dedup-key.ts';
import type { StoredIssue } from '#local/jira-stand-in/index.ts';
import { AdminClient, postAlert, signIn } from './relay-client.ts';

export interface ConfiguredRelay {
  readonly admin: AdminClient;
  /** Alice's session cookie value (a relay restarted on another port still honours it). */
  readonly session: string;
  readonly token: string;
}

/** Signs in, saves SEC / Task and returns the admin client and a fresh webhook token. */
export async function configureRelay(relayUrl: string): Promise<ConfiguredRelay> {
  const session = (await signIn(relayUrl, 'alice.admin@example.com')).session;
  if (!session) throw new Error('sign-in as Alice did not give a session');
  const admin = new AdminClient(relayUrl, session);
  const types = await admin.call<{ issueTypes: { id: string; name: string }[] }>(
    'GET',
    '/api/projects/SEC/issue-types',
  );
  const task = types.body.issueTypes.find((t) => t.name === 'Task')?.id;
  const saved = await admin.call('PUT', '/api/config', {
    expectedVersion: 0,
    projectKey: 'SEC',
    defaultIssueTypeId: task,
  });
  if (saved.status !== 200) throw new Error(`saving the configuration answered ${saved.status}`);
  const token = (await admin.call<{ token: string }>('POST', '/api/token')).body.token;
  return { admin, session, token };
}

/** The label Jira holds for the alert with this body. */
export function labelOf(body: string): string {
  return alertLabel(dedupKey(body));
}

/** Jira's issues grouped by per-alert label. */
export function issuesByLabel(issues: readonly StoredIssue[]): Map<string, StoredIssue[]> {
  const byLabel = new Map<string, StoredIssue[]>();
  for (const issue of issues) {
    const labels = Array.isArray(issue.fields['labels']) ? (issue.fields['labels'] as unknown[]) : [];
    for (const label of labels) {
      if (typeof label !== 'string' || !label.startsWith('keeper-alert-')) continue;
      byLabel.set(label, [...(byLabel.get(label) ?? []), issue]);
    }
  }
  return byLabel;
}

/** Epoch ms of Jira's `created` (`2025-11-05T05:00:28.091+0000`). */
export function createdAt(issue: StoredIssue): number {
  return Date.parse(issue.created.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
}

/** Lost and duplicated alerts among `labels`: none missing and none with two issues is the promise. */
export function tally(
  labels: readonly string[],
  issues: readonly StoredIssue[],
): { lost: string[]; duplicated: string[] } {
  const byLabel = issuesByLabel(issues);
  return {
    lost: labels.filter((l) => (byLabel.get(l)?.length ?? 0) === 0),
    duplicated: labels.filter((l) => (byLabel.get(l)?.length ?? 0) > 1),
  };
}

export interface SentAlert {
  readonly body: string;
  readonly label: string;
  /** Epoch ms when the POST left. */
  readonly sentAt: number;
  /** HTTP status, or 0 when no answer came (the relay died, the connection dropped). */
  readonly status: number;
}

/**
 * POSTs `bodies` with `concurrency` senders, as Keeper would (one POST per alert, no retry here:
 * callers decide what to resend). `gapMs` spaces the POSTs of each sender.
 */
export async function sendAlerts(
  relayUrl: () => string,
  token: string,
  bodies: readonly string[],
  options: { concurrency: number; gapMs?: number },
): Promise<SentAlert[]> {
  const sent: SentAlert[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++] ?? '';
        const sentAt = Date.now();
        let status = 0;
        try {
          status = (await postAlert(relayUrl(), body, token)).status;
        } catch {
          status = 0;
        }
        sent.push({ body, label: labelOf(body), sentAt, status });
        if (options.gapMs) await new Promise((resolve) => setTimeout(resolve, options.gapMs));
      }
    }),
  );
  return sent;
}

/** A Keeper-like alert body, unique per `tag` and `i`. */
export function benchAlert(tag: string, i: number): string {
  return JSON.stringify({
    alert_name: 'Benchmark',
    description: `${tag} alert ${i}`,
    audit_event: 'login_failure',
    category: 'login',
    username: 'bench@example.com',
    remote_address: '198.51.100.7',
    timestamp: new Date(Date.UTC(2026, 0, 1) + i).toISOString(),
  });
}
