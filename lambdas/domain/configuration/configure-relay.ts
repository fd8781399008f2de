/**
 * Saving the relay configuration: resolve everything delivery will need from live Jira metadata
 * (project, issue types, the createmeta of every issue type the mapping can choose, priorities,
 * account ids for user fields), validate the draft against it, store it versioned, and release
 * alerts that were waiting for a configuration. Delivery then costs one Jira call per alert.
 */

import { releasePendingAlerts } from '#domain/delivery/release-parked-alerts.ts';
import { ValidationError } from '#domain/errors.ts';
import type {
  Actor,
  AlertLedger,
  Clock,
  ConfigStore,
  IssueTracker,
  JiraFieldMeta,
  JiraIssueType,
  RetryQueue,
  SecurityLevel,
} from '#domain/ports.ts';
import { DEFAULT_SUMMARY_TEMPLATE, type RelayConfig, type Rule, ruleSettingsDefaults } from '#domain/relay-config.ts';
import { jiraFieldKind } from '#domain/ticket/field-values.ts';
import { keeperDefaults } from './keeper-defaults.ts';
import {
  type ConfigDraft,
  type ConfigSection,
  collectUserEmails,
  type RuleTargetsMeta,
  validateConfig,
} from './validate-config.ts';

const USER_KINDS: ReadonlySet<string> = new Set(['user', 'multi-user']);

export interface ConfigureDeps {
  readonly tracker: IssueTracker;
  readonly configs: ConfigStore;
  readonly ledger: AlertLedger;
  readonly queue: RetryQueue;
  readonly clock: Clock;
}

/** What an administrator submits (the admin API's ConfigInputDto). */
export interface ConfigInput {
  readonly expectedVersion: number;
  readonly projectKey: string;
  readonly defaultIssueTypeId: string;
  readonly summaryTemplate?: string;
  readonly parentIssueKey?: string;
  readonly fieldMappings?: RelayConfig['fieldMappings'];
  readonly priorityMapping?: RelayConfig['priorityMapping'];
  readonly issueTypeMapping?: RelayConfig['issueTypeMapping'];
  readonly rules?: RelayConfig['rules'];
  readonly counterEvents?: RelayConfig['counterEvents'];
  readonly wontDoResolutions?: RelayConfig['wontDoResolutions'];
  readonly groupFields?: RelayConfig['groupFields'];
  readonly redactionRetentionDays?: number;
  /** The section being saved: only its rules (and what they depend on) are validated; all when absent. */
  readonly section?: ConfigSection;
}

export interface ProjectMetadata {
  readonly project: RelayConfig['project'];
  readonly issueTypes: JiraIssueType[];
  readonly fieldMeta: Record<string, JiraFieldMeta[]>;
  readonly priorities: { id: string; name: string }[];
}

/** The priorities Jira accepts on any of these create screens (createmeta `allowedValues`), by id. */
export function prioritiesOnScreens(screens: Iterable<readonly JiraFieldMeta[]>): { id: string; name: string }[] {
  const priorities = new Map<string, string>();
  for (const fields of screens) {
    for (const value of fields.find((f) => f.fieldId === 'priority')?.allowedValues ?? []) {
      priorities.set(value.id, value.name ?? value.value ?? value.id);
    }
  }
  return [...priorities].map(([id, name]) => ({ id, name }));
}

/** Loads the metadata of `projectKey` for the given issue types (createmeta, every page). */
export async function loadProjectMetadata(
  tracker: Pick<IssueTracker, 'listProjects' | 'listIssueTypes' | 'listCreateFields'>,
  projectKey: string,
  issueTypeIds: (types: JiraIssueType[]) => string[],
): Promise<ProjectMetadata> {
  const project = (await tracker.listProjects()).find((p) => p.key.toUpperCase() === projectKey.toUpperCase());
  if (!project) {
    throw new ValidationError(
      `Project ${projectKey} does not exist or the relay's Jira account cannot create issues in it`,
      [{ path: 'projectKey', message: `Project ${projectKey} not found`, project: projectKey }],
    );
  }
  const issueTypes = await tracker.listIssueTypes(project.key);
  const wanted = [...new Set(issueTypeIds(issueTypes).filter((id) => issueTypes.some((t) => t.id === id)))];
  const metas = await Promise.all(wanted.map((id) => tracker.listCreateFields(project.key, id)));
  const fieldMeta = Object.fromEntries(wanted.map((id, i) => [id, metas[i] ?? []]));
  return {
    project: { id: project.id, key: project.key, name: project.name, style: project.style },
    issueTypes,
    fieldMeta,
    priorities: prioritiesOnScreens(metas),
  };
}

function chosenIssueTypes(
  input: Pick<ConfigInput, 'defaultIssueTypeId' | 'issueTypeMapping' | 'rules' | 'projectKey'>,
): string[] {
  return [
    input.defaultIssueTypeId,
    ...Object.values(input.issueTypeMapping?.byEvent ?? {}),
    ...Object.values(input.issueTypeMapping?.byCategory ?? {}),
    ...ruleIssueTypes(input.rules ?? [], input.projectKey.trim().toUpperCase(), true),
  ];
}

/** The project key a rule routes to (upper case, as Jira writes keys); the default one when it names none. */
function routedKey(rule: Rule, defaultKey: string): string {
  const key = rule.actions.route?.projectKey?.trim().toUpperCase() ?? '';
  return key === '' ? defaultKey : key;
}

/** Issue types the rules route to in `projectKey` (`isDefault`: rules without a project route there too). */
function ruleIssueTypes(rules: readonly Rule[], projectKey: string, isDefault: boolean): string[] {
  return rules.flatMap((rule) => {
    const key = rule.actions.route?.projectKey?.trim().toUpperCase() ?? '';
    const here = key === projectKey || (isDefault && key === '');
    const typeId = rule.actions.route?.issueTypeId;
    return here && typeId ? [typeId] : [];
  });
}

/**
 * What validation and delivery need from Jira for the rules: the metadata of every other project
 * they route to (createmeta of the issue types they name), whether each assigned account is
 * assignable there, and the project's security levels. A project Jira does not have is left out
 * (validation reports it).
 */
async function loadRuleTargets(
  tracker: IssueTracker,
  rules: readonly Rule[],
  defaultProject: RelayConfig['project'],
): Promise<RuleTargetsMeta & { projects: Record<string, ProjectMetadata> }> {
  const defaultKey = defaultProject.key.toUpperCase();
  const projects: Record<string, ProjectMetadata> = {};
  const routed = [...new Set(rules.map((r) => routedKey(r, defaultKey)))].filter((key) => key !== defaultKey);
  for (const key of routed) {
    try {
      const meta = await loadProjectMetadata(tracker, key, () => ruleIssueTypes(rules, key, false));
      projects[meta.project.key.toUpperCase()] = meta;
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
    }
  }
  const assignable: Record<string, string[]> = {};
  const securityLevels: Record<string, SecurityLevel[]> = {};
  for (const rule of rules) {
    const key = routedKey(rule, defaultKey);
    const known = key === defaultKey || projects[key] !== undefined;
    const accountId = rule.actions.assigneeAccountId;
    if (known && accountId !== undefined && !(assignable[key] ?? []).includes(accountId)) {
      const users = await tracker.findAssignableUsers(key, { accountId });
      if (users.some((u) => u.accountId === accountId)) assignable[key] = [...(assignable[key] ?? []), accountId];
    }
    if (known && rule.actions.securityLevelId !== undefined && securityLevels[key] === undefined) {
      securityLevels[key] = await tracker.listSecurityLevels(key);
    }
  }
  return { projects, assignable, securityLevels };
}

/**
 * Resolves e-mail addresses to account ids (one search hit is trusted) and checks account ids
 * given directly — the way to map a user whose e-mail Jira keeps hidden.
 */
async function resolveUsers(
  tracker: IssueTracker,
  emails: string[],
  accountIds: string[],
): Promise<{ directory: Record<string, string>; unresolved: string[] }> {
  const directory: Record<string, string> = {};
  const unresolved: string[] = [];
  for (const accountId of new Set(accountIds)) {
    const user = await tracker.findUserByAccountId(accountId);
    if (user) directory[accountId.toLowerCase()] = user.accountId;
    else unresolved.push(accountId);
  }
  for (const email of [...new Set(emails.map((e) => e.toLowerCase()))]) {
    const users = await tracker.searchUsers(email);
    const exact = users.find((u) => u.emailAddress?.toLowerCase() === email);
    const only = users.length === 1 ? users[0] : undefined;
    const match = exact ?? only;
    if (match) directory[email] = match.accountId;
    else unresolved.push(email);
  }
  return { directory, unresolved };
}

/** Constants of user fields that are not e-mail addresses: taken as Jira account ids. */
function userAccountIdConstants(draft: ConfigDraft, meta: ProjectMetadata): string[] {
  const userFields = new Set(
    Object.values(meta.fieldMeta).flatMap((fields) =>
      fields.filter((f) => USER_KINDS.has(jiraFieldKind(f))).map((f) => f.fieldId),
    ),
  );
  return draft.fieldMappings
    .filter((m) => m.constant !== undefined && userFields.has(m.fieldId))
    .flatMap((m) => (m.constant ?? '').split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '' && !item.includes('@'));
}

/** The rule settings of `input`, each defaulting like a configuration saved before rules existed. */
function ruleSettingsOf(input: ConfigInput): Omit<ReturnType<typeof ruleSettingsDefaults>, 'routedProjects'> {
  const defaults = ruleSettingsDefaults();
  return {
    rules: input.rules ?? defaults.rules,
    counterEvents: input.counterEvents ?? defaults.counterEvents,
    wontDoResolutions: input.wontDoResolutions ?? defaults.wontDoResolutions,
    groupFields: input.groupFields ?? defaults.groupFields,
    redactionRetentionDays: input.redactionRetentionDays ?? defaults.redactionRetentionDays,
  };
}

/** Validates `input` against live Jira and saves it as the next version. Throws ValidationError with every problem. */
export async function saveConfiguration(
  deps: ConfigureDeps,
  input: ConfigInput,
  actor: Actor,
  /** E-mail addresses seen in received alerts; asked for only when a user field is fed from the payload. */
  observedEmails: () => Promise<string[]> = async () => [],
): Promise<RelayConfig> {
  const meta = await loadProjectMetadata(deps.tracker, input.projectKey, () => chosenIssueTypes(input));
  const draft: ConfigDraft = {
    defaultIssueTypeId: input.defaultIssueTypeId,
    summaryTemplate: input.summaryTemplate?.trim() || DEFAULT_SUMMARY_TEMPLATE,
    ...(input.parentIssueKey ? { parentIssueKey: input.parentIssueKey } : {}),
    fieldMappings: input.fieldMappings ?? [],
    priorityMapping: input.priorityMapping ?? { byEvent: {}, byCategory: {} },
    issueTypeMapping: input.issueTypeMapping ?? { byEvent: {}, byCategory: {} },
    ...ruleSettingsOf(input),
  };
  const userFieldFromPayload = draft.fieldMappings.some(
    (m) =>
      m.source !== undefined &&
      Object.values(meta.fieldMeta).some((fields) =>
        fields.some((f) => f.fieldId === m.fieldId && USER_KINDS.has(jiraFieldKind(f))),
      ),
  );
  const observed = userFieldFromPayload ? await observedEmails() : [];
  const users = await resolveUsers(
    deps.tracker,
    [...collectUserEmails(draft, meta), ...observed],
    userAccountIdConstants(draft, meta),
  );
  const targets = await loadRuleTargets(deps.tracker, draft.rules, meta.project);
  const problems = validateConfig(draft, meta, users.directory, input.section, targets);
  if (problems.length > 0) {
    throw new ValidationError(
      `The configuration was not saved: ${problems.length} problem(s) found against project ${meta.project.key}`,
      problems,
    );
  }
  const config: RelayConfig = {
    ...draft,
    version: input.expectedVersion + 1,
    updatedAt: deps.clock.now().toISOString(),
    updatedBy: { accountId: actor.accountId, displayName: actor.displayName },
    project: meta.project,
    issueTypes: meta.issueTypes.map((t) => ({
      id: t.id,
      name: t.name,
      subtask: t.subtask,
      hierarchyLevel: t.hierarchyLevel,
    })),
    fieldMeta: meta.fieldMeta,
    userDirectory: users.directory,
    routedProjects: routedProjectsOf(targets.projects),
  };
  const saved = await deps.configs.save(config, input.expectedVersion);
  await releasePendingAlerts(deps);
  return saved;
}

/** The routed projects as the configuration stores them, by Jira's project key. */
function routedProjectsOf(projects: Readonly<Record<string, ProjectMetadata>>): RelayConfig['routedProjects'] {
  return Object.fromEntries(
    Object.values(projects).map((meta) => [
      meta.project.key,
      {
        project: meta.project,
        issueTypes: meta.issueTypes.map((t) => ({
          id: t.id,
          name: t.name,
          subtask: t.subtask,
          hierarchyLevel: t.hierarchyLevel,
        })),
        fieldMeta: meta.fieldMeta,
      },
    ]),
  );
}

/** "Reset configuration": Keeper's documented defaults wherever the current (or given) project has the fields and types. */
export async function resetConfiguration(
  deps: ConfigureDeps,
  input: { expectedVersion: number; projectKey: string },
  actor: Actor,
): Promise<RelayConfig> {
  // Every non-subtask type is loaded because the defaults map categories to Incident and Task.
  const meta = await loadProjectMetadata(deps.tracker, input.projectKey, (types) =>
    types.filter((t) => !t.subtask).map((t) => t.id),
  );
  const defaults = keeperDefaults(meta);
  return saveConfiguration(
    deps,
    { expectedVersion: input.expectedVersion, projectKey: meta.project.key, ...defaults },
    actor,
  );
}
