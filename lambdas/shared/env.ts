/**
 * The relay's environment, parsed once per cold start. The CDK stack builds a `RelayEnvInput`
 * object, so a variable missing there fails at compile time rather than at the first alert.
 */
import { z } from 'zod';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const relayEnvSchema = z.object({
  CONFIG_TABLE_NAME: z.string().min(1),
  LEDGER_TABLE_NAME: z.string().min(1),
  WEBHOOK_TOKENS_SECRET_ID: z.string().min(1),
  JIRA_CONNECTION_SECRET_ID: z.string().min(1),
  OAUTH_CLIENT_SECRET_ID: z.string().min(1),
  RETRY_QUEUE_URL: z.string().min(1),
  DEAD_LETTER_QUEUE_URL: z.string().min(1),
  ATLASSIAN_AUTH_URL: z.url().default('https://auth.atlassian.com'),
  ATLASSIAN_API_URL: z.url().default('https://api.atlassian.com'),
  ATLASSIAN_CLIENT_ID: z.string().min(1),
  /** The one Jira site this deployment serves, e.g. https://acme.atlassian.net. */
  JIRA_SITE_URL: z.url(),
  /** Public origin of the admin site. In AWS it is taken from the request (CloudFront) when unset. */
  PUBLIC_BASE_URL: z.url().optional(),
  /** Webhook URL shown to admins. In AWS it is taken from the API Gateway request when unset. */
  WEBHOOK_URL: z.url().optional(),
  MAX_BODY_BYTES: positiveInt(256 * 1024),
  MAX_DELIVERY_ATTEMPTS: positiveInt(8),
  LEDGER_TTL_DAYS: positiveInt(90),
  /** How long an instance trusts its cached webhook-token hashes. */
  TOKEN_CACHE_SECONDS: z.coerce.number().int().nonnegative().default(5),
  CONFIG_CACHE_SECONDS: z.coerce.number().int().nonnegative().default(5),
  JIRA_TIMEOUT_MS: positiveInt(8000),
  SESSION_HOURS: positiveInt(8),
  LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('INFO'),
});

export type RelayEnv = z.output<typeof relayEnvSchema>;
export type RelayEnvInput = z.input<typeof relayEnvSchema>;

/** Parses `process.env`; throws one error listing every missing or malformed variable. */
export function loadEnv(source: Record<string, string | undefined>): RelayEnv {
  const result = relayEnvSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid relay environment: ${problems}`);
  }
  return result.data;
}
