/**
 * A draft made previewable: the administrator's unsaved choices over the metadata the saved
 * configuration resolved from Jira (project, issue types, create screens, account ids, routed
 * projects), so the preview names issue types and priorities the way delivery would. What the saved
 * configuration does not cover — another project, an issue type whose create screen was never
 * loaded, a project a rule routes to for the first time — is read from Jira with list calls only:
 * a preview never writes to Jira.
 */
import { ValidationError } from '#domain/errors.ts';
import type { Actor, IssueTracker } from '#domain/ports.ts';
import {
  DEFAULT_SUMMARY_TEMPLATE,
  type RelayConfig,
  type RoutedProject,
  ruleSettingsDefaults,
} from '#domain/relay-config.ts';
import type { ConfigChoices } from './config-document.ts';
import { loadProjectMetadata } from './configure-relay.ts';

/** The Jira calls a preview may make: reads of project metadata. */
export type MetadataReader = Pick<IssueTracker, 'listProjects' | 'listIssueTypes' | 'listCreateFields'>;

type Metadata = Pick<RoutedProject, 'project' | 'issueTypes' | 'fieldMeta'>;

const sameKey = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();

/**
 * The configuration a preview evaluates for `choices`: the saved configuration's resolved metadata
 * when the draft keeps its project, else the draft's project read from Jira. Throws ValidationError
 * (as a save would) when the draft's project or a project a rule routes to cannot be found.
 */
export async function previewDraft(
  jira: MetadataReader,
  choices: ConfigChoices,
  saved: RelayConfig | undefined,
  context: { readonly actor: Actor; readonly now: Date },
): Promise<RelayConfig> {
  const defaults = ruleSettingsDefaults();
  const rules = choices.rules ?? defaults.rules;
  const mainTypes = [
    choices.defaultIssueTypeId,
    ...Object.values(choices.issueTypeMapping?.byEvent ?? {}),
    ...Object.values(choices.issueTypeMapping?.byCategory ?? {}),
    ...rules.flatMap((rule) => {
      const route = rule.actions.route;
      const routedElsewhere = route?.projectKey && !sameKey(route.projectKey, choices.projectKey);
      return route?.issueTypeId && !routedElsewhere ? [route.issueTypeId] : [];
    }),
  ];
  const keptProject = saved !== undefined && sameKey(saved.project.key, choices.projectKey);
  const main: Metadata = keptProject
    ? await withScreens(jira, saved, mainTypes)
    : await loadProjectMetadata(jira, choices.projectKey, () => mainTypes);

  const routedProjects: Record<string, RoutedProject> = {};
  for (const [index, rule] of rules.entries()) {
    const key = rule.actions.route?.projectKey;
    if (!rule.enabled || !key || sameKey(key, main.project.key)) continue;
    const wanted = rules
      .filter((r) => r.actions.route?.projectKey && sameKey(r.actions.route.projectKey, key))
      .flatMap((r) => (r.actions.route?.issueTypeId ? [r.actions.route.issueTypeId] : []));
    const known =
      Object.values(routedProjects).find((p) => sameKey(p.project.key, key)) ??
      Object.values(saved?.routedProjects ?? {}).find((p) => sameKey(p.project.key, key));
    const resolved = known
      ? await withScreens(jira, known, wanted)
      : await routedMetadata(jira, key, wanted, `rules.${index}.actions.route.projectKey`);
    routedProjects[resolved.project.key] = resolved;
  }

  return {
    version: saved?.version ?? 0,
    updatedAt: context.now.toISOString(),
    updatedBy: { accountId: context.actor.accountId, displayName: context.actor.displayName },
    project: main.project,
    defaultIssueTypeId: choices.defaultIssueTypeId,
    summaryTemplate: choices.summaryTemplate?.trim() || DEFAULT_SUMMARY_TEMPLATE,
    ...(choices.parentIssueKey ? { parentIssueKey: choices.parentIssueKey } : {}),
    fieldMappings: choices.fieldMappings ?? [],
    priorityMapping: choices.priorityMapping ?? { byEvent: {}, byCategory: {} },
    issueTypeMapping: choices.issueTypeMapping ?? { byEvent: {}, byCategory: {} },
    issueTypes: main.issueTypes,
    fieldMeta: main.fieldMeta,
    // Account ids resolved at the last save: only a priority mapping matters to a preview, and it needs none.
    userDirectory: keptProject ? saved.userDirectory : {},
    rules,
    counterEvents: choices.counterEvents ?? defaults.counterEvents,
    wontDoResolutions: choices.wontDoResolutions ?? defaults.wontDoResolutions,
    groupFields: choices.groupFields ?? defaults.groupFields,
    redactionRetentionDays: choices.redactionRetentionDays ?? defaults.redactionRetentionDays,
    routedProjects,
  };
}

/** `known` with the create screens of `typeIds` it lacks read from Jira (types it does not list are left to the preview to leave unnamed). */
async function withScreens(jira: MetadataReader, known: Metadata, typeIds: readonly string[]): Promise<Metadata> {
  const missing = [...new Set(typeIds)].filter(
    (id) => known.fieldMeta[id] === undefined && known.issueTypes.some((t) => t.id === id),
  );
  if (missing.length === 0) return known;
  const screens = await Promise.all(missing.map((id) => jira.listCreateFields(known.project.key, id)));
  return {
    ...known,
    fieldMeta: { ...known.fieldMeta, ...Object.fromEntries(missing.map((id, i) => [id, screens[i] ?? []])) },
  };
}

async function routedMetadata(
  jira: MetadataReader,
  projectKey: string,
  typeIds: readonly string[],
  path: string,
): Promise<Metadata> {
  try {
    return await loadProjectMetadata(jira, projectKey, () => [...typeIds]);
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError(
        `A rule routes to project ${projectKey}, which does not exist or the relay's Jira account cannot create issues in`,
        [{ path, message: `Project ${projectKey} not found`, project: projectKey }],
      );
    }
    throw error;
  }
}
