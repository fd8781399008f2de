/**
 * The configuration as a versioned JSON document (docs/rules-and-grouping.md, "Export / import"), so
 * a team can keep it in git and move it between relays. The document holds only the
 * administrator's choices: what the relay resolves from Jira at save time (issue types, create
 * screens, account ids, routed projects' metadata) is resolved again from the importing relay's
 * live Jira, which also validates the document exactly like a save.
 */
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { ValidationError, type ValidationProblem } from '#domain/errors.ts';
import {
  counterEventSchema,
  fieldMappingSchema,
  type RelayConfig,
  ruleMapSchema,
  ruleSchema,
} from '#domain/relay-config.ts';
import type { ConfigInput } from './configure-relay.ts';

export const CONFIG_DOCUMENT_FORMAT = 'keeper-jira-relay/config';
/** The newest document shape this relay reads and the one it writes. */
export const CONFIG_DOCUMENT_FORMAT_VERSION = 1;

/** What an administrator chooses: a save's input without its version check and section. */
export type ConfigChoices = Omit<ConfigInput, 'expectedVersion' | 'section'>;

/** The exported document (the admin API's `ConfigDocumentDto`). */
export interface ConfigDocument {
  format: typeof CONFIG_DOCUMENT_FORMAT;
  formatVersion: typeof CONFIG_DOCUMENT_FORMAT_VERSION;
  exportedAt: string;
  /** Where it came from, for the reader; an import ignores it. */
  source: { site: string; configVersion: number };
  config: ConfigChoices;
}

/**
 * The administrator's choices as the admin API takes them (a save without `expectedVersion` and
 * `section`, a preview's draft, an imported document's `config`): checked once at the edge, with
 * the same schemas the stored configuration uses for rules and counter-events.
 */
export const configChoicesSchema = z.object({
  projectKey: z.string().check(z.minLength(1, 'Choose a target project')),
  defaultIssueTypeId: z.string().check(z.minLength(1, 'Choose a default issue type')),
  summaryTemplate: z.optional(z.string().check(z.maxLength(500))),
  parentIssueKey: z.optional(z.string()),
  fieldMappings: z.optional(z.array(fieldMappingSchema)),
  priorityMapping: z.optional(
    z.object({ byEvent: ruleMapSchema, byCategory: ruleMapSchema, defaultPriorityId: z.optional(z.string()) }),
  ),
  issueTypeMapping: z.optional(z.object({ byEvent: ruleMapSchema, byCategory: ruleMapSchema })),
  rules: z.optional(z.array(ruleSchema)),
  counterEvents: z.optional(z.array(counterEventSchema)),
  wontDoResolutions: z.optional(z.array(z.string())),
  groupFields: z.optional(
    z.object({ occurrencesFieldId: z.optional(z.string()), lastSeenFieldId: z.optional(z.string()) }),
  ),
  redactionRetentionDays: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(365))),
});

// zod/mini ships no locale: without English every problem reads "Invalid input".
const englishErrors = en().localeError;

/** The choices of a saved configuration, copied (the document must not share arrays with the cache). */
export function configChoices(config: RelayConfig): ConfigChoices {
  return structuredClone({
    projectKey: config.project.key,
    defaultIssueTypeId: config.defaultIssueTypeId,
    summaryTemplate: config.summaryTemplate,
    ...(config.parentIssueKey ? { parentIssueKey: config.parentIssueKey } : {}),
    fieldMappings: config.fieldMappings,
    priorityMapping: config.priorityMapping,
    issueTypeMapping: config.issueTypeMapping,
    rules: config.rules,
    counterEvents: config.counterEvents,
    wontDoResolutions: config.wontDoResolutions,
    groupFields: config.groupFields,
    redactionRetentionDays: config.redactionRetentionDays,
  });
}

/** The saved configuration as a document to download: choices only, nothing resolved from Jira. */
export function toConfigDocument(config: RelayConfig, site: string, exportedAt: Date): ConfigDocument {
  return {
    format: CONFIG_DOCUMENT_FORMAT,
    formatVersion: CONFIG_DOCUMENT_FORMAT_VERSION,
    exportedAt: exportedAt.toISOString(),
    source: { site, configVersion: config.version },
    config: configChoices(config),
  };
}

/**
 * Reads an uploaded document into the choices a save takes. Throws ValidationError, naming each
 * problem, when `json` is not a configuration document of a shape this relay knows. Problems in the
 * configuration carry the paths a save reports (`rules.0.id` is `config.rules[0].id` in the file).
 */
export function readConfigDocument(json: unknown): ConfigChoices {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ValidationError('The file is not a relay configuration: it is not a JSON object', [
      { path: '', message: 'expected a JSON object' },
    ]);
  }
  const document = json as Record<string, unknown>;
  if (document['format'] !== CONFIG_DOCUMENT_FORMAT) {
    const found = document['format'] === undefined ? 'no format' : `format ${JSON.stringify(document['format'])}`;
    throw new ValidationError(
      `The file is not a relay configuration: it has ${found}, expected "${CONFIG_DOCUMENT_FORMAT}"`,
      [{ path: 'format', message: `expected "${CONFIG_DOCUMENT_FORMAT}"` }],
    );
  }
  const version = document['formatVersion'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new ValidationError('The configuration document has no valid format version', [
      { path: 'formatVersion', message: `expected a whole number from 1 to ${CONFIG_DOCUMENT_FORMAT_VERSION}` },
    ]);
  }
  if (version > CONFIG_DOCUMENT_FORMAT_VERSION) {
    throw new ValidationError(
      `The configuration document has format version ${version}, newer than version ${CONFIG_DOCUMENT_FORMAT_VERSION} ` +
        'that this relay understands: update the relay, or export the configuration again from a relay of this version',
      [
        {
          path: 'formatVersion',
          message: `version ${version} is newer than version ${CONFIG_DOCUMENT_FORMAT_VERSION} this relay understands`,
        },
      ],
    );
  }
  const result = configChoicesSchema.safeParse(document['config'], { error: englishErrors });
  if (!result.success) {
    const problems: ValidationProblem[] = result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || 'config',
      message: issue.message,
    }));
    throw new ValidationError(
      `The configuration document was not imported: ${problems.length} problem(s) in its configuration`,
      problems,
    );
  }
  return result.data;
}
