/**
 * The relay's connection to Jira as stored in the secret store: which site, which account
 * consented, the rotating refresh token and the shared access token. The refresh itself, with its
 * rotation rules, is `access-tokens.ts`.
 */
import * as z from 'zod/mini';
import type { Actor, Clock, SecretStore } from '#domain/ports.ts';

export const jiraConnectionSchema = z.object({
  state: z.enum(['connected', 'reconnect_required']),
  cloudId: z.string(),
  siteUrl: z.string(),
  refreshToken: z.string(),
  accessToken: z.optional(z.string()),
  /** Epoch ms. */
  accessTokenExpiresAt: z.optional(z.number()),
  connectedBy: z.object({ accountId: z.string(), displayName: z.string() }),
  connectedAt: z.string(),
  /**
   * When the administrator consented: the refresh-token family lives 365 days from then, however
   * often it is refreshed. Kept across refreshes; records written before it existed use `connectedAt`.
   */
  grantedAt: z.optional(z.string()),
  lastRefreshAt: z.optional(z.string()),
  message: z.optional(z.string()),
});
export type JiraConnection = z.infer<typeof jiraConnectionSchema>;

export async function readConnection(secrets: SecretStore): Promise<JiraConnection | undefined> {
  const raw = await secrets.get('jira-connection');
  if (raw === undefined || raw.trim() === '') return undefined;
  const parsed = jiraConnectionSchema.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : undefined;
}

export async function writeConnection(secrets: SecretStore, connection: JiraConnection): Promise<void> {
  await secrets.put('jira-connection', JSON.stringify(connection));
}

/** Stores a freshly consented connection (sign-in of a Jira administrator). */
export async function connect(
  secrets: SecretStore,
  input: {
    cloudId: string;
    siteUrl: string;
    refreshToken: string;
    accessToken: string;
    expiresInSeconds: number;
    actor: Actor;
  },
  clock: Clock,
): Promise<JiraConnection> {
  const now = clock.now();
  const connection: JiraConnection = {
    state: 'connected',
    cloudId: input.cloudId,
    siteUrl: input.siteUrl,
    refreshToken: input.refreshToken,
    accessToken: input.accessToken,
    accessTokenExpiresAt: now.getTime() + input.expiresInSeconds * 1000,
    connectedBy: { accountId: input.actor.accountId, displayName: input.actor.displayName },
    connectedAt: now.toISOString(),
    grantedAt: now.toISOString(),
    lastRefreshAt: now.toISOString(),
  };
  await writeConnection(secrets, connection);
  return connection;
}
