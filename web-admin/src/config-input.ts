/** Builds `PUT /api/config` bodies. Pure: no DOM. Every save sends the whole configuration. */
import type { ConfigDto, ConfigInputDto } from '#shared/admin-api-types.ts';

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
  };
  if (config.parentIssueKey) input.parentIssueKey = config.parentIssueKey;
  return input;
}

/**
 * The body for "Save Configuration" on the setup tab. Same project: every other section is kept as
 * loaded. Another project: issue types, priorities and fields belong to the old project, so the
 * project-specific mappings start empty (the screen says so before saving).
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
  }
  return input;
}
