/** Builds `PUT /api/config` bodies. Pure: no DOM. Every save sends the whole configuration. */
import type { ConfigDto, ConfigInputDto, PreviewRequestDto } from '#shared/admin-api-types.ts';

/** The full input for `PUT /api/config`, starting from what is saved (every section kept as loaded). */
export function inputFromConfig(config: ConfigDto): ConfigInputDto {
  const input: ConfigInputDto = {
    expectedVersion: config.version,
    projectKey: config.project.key,
    defaultIssueTypeId: config.defaultIssueTypeId,
    summaryTemplate: config.summaryTemplate,
    fieldMappings: config.fieldMappings.map((m) => ({ ...m })),
    priorityMapping: {
      byEvent: { ...config.priorityMapping.byEvent },
      byCategory: { ...config.priorityMapping.byCategory },
      ...(config.priorityMapping.defaultPriorityId
        ? { defaultPriorityId: config.priorityMapping.defaultPriorityId }
        : {}),
    },
    issueTypeMapping: {
      byEvent: { ...config.issueTypeMapping.byEvent },
      byCategory: { ...config.issueTypeMapping.byCategory },
    },
    // Left out, these would go back to their defaults: a save of one section must keep the rules.
    rules: copy(config.rules),
    counterEvents: copy(config.counterEvents),
    wontDoResolutions: [...config.wontDoResolutions],
    groupFields: { ...config.groupFields },
    redactionRetentionDays: config.redactionRetentionDays,
  };
  if (config.parentIssueKey) input.parentIssueKey = config.parentIssueKey;
  return input;
}

/** A deep copy of plain JSON data (`structuredClone` is newer than the promised browsers). */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The saved configuration with `changes` applied, as the preview takes it (no version, no section). */
export function previewRequest(config: ConfigDto, changes: Partial<ConfigInputDto>): PreviewRequestDto {
  const { expectedVersion: _version, section: _section, ...draft } = { ...inputFromConfig(config), ...changes };
  return { draft };
}

/**
 * The body for "Save Configuration" on the setup tab. Same project: every other section is kept as
 * loaded. Another project: issue types, priorities and fields belong to the old project, so the
 * project-specific mappings and the rules start empty (the screen says so before saving).
 */
export function setupInput(config: ConfigDto | null, projectKey: string, defaultIssueTypeId: string): ConfigInputDto {
  if (config && config.project.key === projectKey) {
    return { ...inputFromConfig(config), defaultIssueTypeId };
  }
  const input: ConfigInputDto = { expectedVersion: config?.version ?? 0, projectKey, defaultIssueTypeId };
  if (config) {
    input.summaryTemplate = config.summaryTemplate;
    input.fieldMappings = [];
    input.priorityMapping = { byEvent: {}, byCategory: {} };
    input.issueTypeMapping = { byEvent: {}, byCategory: {} };
    // Rules name issue types, priorities, security levels and fields of the old project; the
    // counter-event pairs and the resolutions are Keeper's and Jira's words, valid anywhere.
    input.rules = [];
    input.groupFields = {};
    input.counterEvents = copy(config.counterEvents);
    input.wontDoResolutions = [...config.wontDoResolutions];
    input.redactionRetentionDays = config.redactionRetentionDays;
  }
  return input;
}
