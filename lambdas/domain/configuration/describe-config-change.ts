/**
 * "Who changed what and when": a readable list of what one configuration version changed compared
 * with the version before it, for the admin site's history.
 */
import type { RelayConfig } from '#domain/relay-config.ts';

function typeName(config: RelayConfig, id: string): string {
  return config.issueTypes.find((t) => t.id === id)?.name ?? id;
}

function ruleChanges(label: string, before: Record<string, string>, after: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  let added = 0;
  let removed = 0;
  let changed = 0;
  for (const key of keys) {
    if (!(key in before)) added++;
    else if (!(key in after)) removed++;
    else if (before[key] !== after[key]) changed++;
  }
  const parts = [added && `${added} added`, changed && `${changed} changed`, removed && `${removed} removed`].filter(
    Boolean,
  );
  return parts.length > 0 ? [`${label}: ${parts.join(', ')}`] : [];
}

/** Describes what `next` changed relative to `previous` (the first version describes itself). */
export function describeConfigChange(previous: RelayConfig | undefined, next: RelayConfig): string {
  if (previous === undefined || previous.project.id !== next.project.id) {
    return `Target ${next.project.key}, default issue type ${typeName(next, next.defaultIssueTypeId)}, ${next.fieldMappings.length} field mapping(s)`;
  }
  const changes: string[] = [];
  if (previous.defaultIssueTypeId !== next.defaultIssueTypeId) {
    changes.push(
      `default issue type ${typeName(previous, previous.defaultIssueTypeId)} → ${typeName(next, next.defaultIssueTypeId)}`,
    );
  }
  if (previous.summaryTemplate !== next.summaryTemplate) changes.push(`summary template "${next.summaryTemplate}"`);
  if ((previous.parentIssueKey ?? '') !== (next.parentIssueKey ?? ''))
    changes.push(`parent issue ${next.parentIssueKey ?? 'removed'}`);
  const mappingKey = (m: RelayConfig['fieldMappings'][number]) => `${m.fieldId}=${m.source ?? `"${m.constant ?? ''}"`}`;
  const beforeMappings = new Set(previous.fieldMappings.map(mappingKey));
  const afterMappings = new Set(next.fieldMappings.map(mappingKey));
  const addedMappings = [...afterMappings].filter((m) => !beforeMappings.has(m)).length;
  const removedMappings = [...beforeMappings].filter((m) => !afterMappings.has(m)).length;
  if (addedMappings || removedMappings) {
    changes.push(
      `field mappings: ${[addedMappings && `${addedMappings} added`, removedMappings && `${removedMappings} removed`].filter(Boolean).join(', ')}`,
    );
  }
  changes.push(...ruleChanges('priority by event', previous.priorityMapping.byEvent, next.priorityMapping.byEvent));
  changes.push(
    ...ruleChanges('priority by category', previous.priorityMapping.byCategory, next.priorityMapping.byCategory),
  );
  if ((previous.priorityMapping.defaultPriorityId ?? '') !== (next.priorityMapping.defaultPriorityId ?? ''))
    changes.push('default priority');
  changes.push(...ruleChanges('issue type by event', previous.issueTypeMapping.byEvent, next.issueTypeMapping.byEvent));
  changes.push(
    ...ruleChanges('issue type by category', previous.issueTypeMapping.byCategory, next.issueTypeMapping.byCategory),
  );
  return changes.length > 0 ? changes.join('; ') : 'Saved without changes (Jira metadata refreshed)';
}
