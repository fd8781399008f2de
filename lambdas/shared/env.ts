/**
 * The relay's environment, parsed once per cold start. The CDK stack builds a `RelayEnvInput`
 * object, so a variable missing there fails at compile time rather than at the first alert.
 */
// Narrow entry points: `import * as z` (not `{ z }`) and one locale keep the bundle to what is used.
import { en } from 'zod/locales';
import * as z from 'zod/mini';

const positiveInt = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.positive()), fallback);
const nonNegativeInt = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.nonnegative()), fallback);
const nonEmpty = () => z.string().check(z.minLength(1));

export const relayEnvSchema = z.object({
  CONFIG_TABLE_NAME: nonEmpty(),
  LEDGER_TABLE_NAME: nonEmpty(),
  WEBHOOK_TOKENS_SECRET_ID: nonEmpty(),
  JIRA_CONNECTION_SECRET_ID: nonEmpty(),
  OAUTH_CLIENT_SECRET_ID: nonEmpty(),
  /**
   * Secret holding the value the admin site's distribution sends in `x-relay-origin-verify`. Unset
   * where no Secrets Manager is (the local runtime, whose gateway shares the value through its own
   * secret store); in AWS an unset id leaves every admin API request refused (403).
   */
  ORIGIN_VERIFY_SECRET_ID: z.optional(nonEmpty()),
  RETRY_QUEUE_URL: nonEmpty(),
  DEAD_LETTER_QUEUE_URL: nonEmpty(),
  ATLASSIAN_AUTH_URL: z._default(z.url(), 'https://auth.atlassian.com'),
  ATLASSIAN_API_URL: z._default(z.url(), 'https://api.atlassian.com'),
  ATLASSIAN_CLIENT_ID: nonEmpty(),
  /** The one Jira site this deployment serves, e.g. https://acme.atlassian.net. */
  JIRA_SITE_URL: z.url(),
  /** Public origin of the admin site. In AWS it is taken from the request (CloudFront) when unset. */
  PUBLIC_BASE_URL: z.optional(z.url()),
  /** Webhook URL shown to admins. In AWS it is taken from the API Gateway request when unset. */
  WEBHOOK_URL: z.optional(z.url()),
  MAX_BODY_BYTES: positiveInt(256 * 1024),
  /** Transient failures are retried until this long after an alert was received; then it fails (DLQ, alarm). */
  RETRY_BUDGET_HOURS: z._default(z.coerce.number().check(z.positive()), 72),
  /** Ceiling on Jira requests per second from all instances together; pacing learns the real limit below it. */
  JIRA_MAX_REQUESTS_PER_SECOND: z._default(z.coerce.number().check(z.positive()), 50),
  LEDGER_TTL_DAYS: positiveInt(90),
  /**
   * How long an instance trusts its cached webhook-token hashes. A new token works at once (a miss
   * re-reads); a revoked or replaced one keeps working this long on an instance that cached it. 60 s
   * bounds Secrets Manager reads to one a minute per warm instance, whatever the alert rate.
   */
  TOKEN_CACHE_SECONDS: nonNegativeInt(60),
  CONFIG_CACHE_SECONDS: nonNegativeInt(5),
  JIRA_TIMEOUT_MS: positiveInt(8000),
  SESSION_HOURS: positiveInt(8),
  LOG_LEVEL: z._default(z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']), 'INFO'),
});

export type RelayEnv = z.output<typeof relayEnvSchema>;
export type RelayEnvInput = z.input<typeof relayEnvSchema>;

/** Parses `process.env`; throws one error listing every missing or malformed variable. */
export function loadEnv(source: Record<string, string | undefined>): RelayEnv {
  // zod/mini ships no locale: ask for English explicitly, or every problem reads "Invalid input".
  const result = relayEnvSchema.safeParse(source, { error: en().localeError });
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid relay environment: ${problems}`);
  }
  return result.data;
}
