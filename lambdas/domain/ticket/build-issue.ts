/**
 * Alert → Jira issue fields (docs/ticket-format.md): the assembly of routing, field mappings,
 * summary, labels and description. Everything comes from the saved configuration (createmeta
 * snapshot, account ids), so building costs no Jira call; whatever cannot be applied is left out
 * and reported as a DroppedField instead of failing the alert.
 */

import { alertLabel } from '#domain/alert/dedup-key.ts';
import type { KeeperAlert } from '#domain/alert/keeper-alert.ts';
import type { DroppedField } from '#domain/alert-record.ts';
import type { JiraFieldMeta } from '#domain/ports.ts';
import type { RelayConfig } from '#domain/relay-config.ts';
import { chooseUsableIssueType, type IssueTypeChoice } from '#domain/routing/choose-issue-type.ts';
import { choosePriorityId, priorityOnScreen } from '#domain/routing/choose-priority.ts';
import type { AdfDoc } from './adf.ts';
import {
  type DescriptionContext,
  describeAlert,
  type RawBodyFile,
  rawBodyFile,
  refusedDescriptionDocument,
} from './description.ts';
import { applyFieldMappings, describeTarget, fieldNameAnywhere, withName } from './field-mapping.ts';
import { toLabel } from './field-values.ts';
import { mappedSummary, renderSummary } from './summary.ts';

/** Labels every ticket carries; `keeper` lets analysts filter the relay's tickets. */
export const KEEPER_LABEL = 'keeper';
export const UNPARSED_LABEL = 'keeper-unparsed';
export const TEST_LABEL = 'keeper-test';

// Fields `withoutFields` keeps even when Jira names them: without them there is no issue at all.
const PROTECTED_FIELDS = new Set(['project', 'issuetype', 'summary']);

export interface BuildContext extends DescriptionContext {
  readonly config: RelayConfig;
}

export interface BuiltIssue {
  /** The `fields` object of `POST /rest/api/3/issue`. */
  readonly fields: Record<string, unknown>;
  readonly issueTypeId: string;
  readonly priorityId?: string;
  readonly priorityName?: string;
  /** Mappings and relay fields that were left out, with the reason. */
  readonly dropped: readonly DroppedField[];
  /** The per-alert label (`keeper-alert-…`) used to find the ticket again. */
  readonly label: string;
  /** Same object as `fields.description`, typed. */
  readonly description: AdfDoc;
  /**
   * Present when the description cannot show the received body whole (its raw block was cut, or
   * the description was replaced): the body must be attached to the issue as this file, which
   * the description names.
   */
  readonly attachment?: RawBodyFile;
  /** What the description was built from, to build it again with Jira's refusals (`withoutFields`). */
  readonly source: DescriptionSource;
}

/** The inputs of a description besides its notices. */
export interface DescriptionSource {
  readonly alert: KeeperAlert;
  readonly context: DescriptionContext;
  readonly readableText?: string;
}

/**
 * Builds the Jira `fields` for an alert: summary, ADF description, issue type, priority, labels and
 * every field mapping converted to its field's schema. Never throws for alert content.
 */
export function buildIssue(alert: KeeperAlert, ctx: BuildContext): BuiltIssue {
  const { config } = ctx;
  const dropped: DroppedField[] = [];
  const choice = chooseUsableIssueType(config, alert.event, alert.category);
  const { issueTypeId } = choice;
  if (choice.replaced) dropped.push(replacedIssueType(choice.replaced));
  const where = describeTarget(config, issueTypeId);
  const screen = config.fieldMeta[issueTypeId];
  const label = alertLabel(ctx.alertId);

  const fields: Record<string, unknown> = {
    project: { id: config.project.id },
    issuetype: { id: issueTypeId },
  };
  const issueType = config.issueTypes.find((t) => t.id === issueTypeId);
  if (issueType?.subtask && config.parentIssueKey) fields['parent'] = { key: config.parentIssueKey };

  const mapped = applyFieldMappings(alert, config, issueTypeId);
  Object.assign(fields, mapped.fields);
  dropped.push(...mapped.dropped);

  fields['summary'] = mapped.summaryOverride
    ? mappedSummary(mapped.summaryOverride, ctx.test)
    : renderSummary(alert, config.summaryTemplate, ctx.test);

  const labels = unique([
    KEEPER_LABEL,
    toLabel(alert.event.toLowerCase()),
    label,
    ...(alert.parsed ? [] : [UNPARSED_LABEL]),
    ...(ctx.test ? [TEST_LABEL] : []),
    ...mapped.mappedLabels,
  ]);
  if (screen === undefined || screen.some((f) => f.fieldId === 'labels')) fields['labels'] = labels;
  else dropped.push({ fieldId: 'labels', fieldName: 'Labels', reason: `not on the create screen of ${where}` });

  const priorityId = choosePriorityId(config, alert.event, alert.category, mapped.priorityId);
  const priority = resolvePriority(priorityId, screen, where, dropped);
  if (priority) fields['priority'] = { id: priority.id };

  const context: DescriptionContext = {
    alertId: ctx.alertId,
    receivedAt: ctx.receivedAt,
    ...(ctx.test ? { test: true } : {}),
  };
  const source: DescriptionSource = {
    alert,
    context,
    ...(mapped.descriptionText !== undefined ? { readableText: mapped.descriptionText } : {}),
  };
  const built = describeAlert(alert, context, { ...readable(source), dropped });
  fields['description'] = built.document;
  return {
    fields,
    issueTypeId,
    ...(priority ? { priorityId: priority.id, ...(priority.name ? { priorityName: priority.name } : {}) } : {}),
    dropped,
    label,
    description: built.document,
    ...(built.rawComplete ? {} : { attachment: built.file }),
    source,
  };
}

/**
 * Fields Jira refused at delivery (docs/webhook-and-delivery.md, rule 6) as a new issue without
 * them: each becomes a DroppedField with Jira's message and the description gets a warning panel
 * saying so. A refused description is replaced by a short one rather than removed. Returns
 * undefined when none of the refused fields can be removed (project, issue type, summary, or
 * fields the issue does not have), i.e. retrying would fail the same way.
 */
export function withoutFields(
  built: BuiltIssue,
  fieldErrors: Readonly<Record<string, string>>,
  config: RelayConfig,
): BuiltIssue | undefined {
  const refused = Object.keys(fieldErrors).filter((id) => !PROTECTED_FIELDS.has(id) && Object.hasOwn(built.fields, id));
  if (refused.length === 0) return undefined;
  const fields = { ...built.fields };
  const dropped = [...built.dropped];
  for (const fieldId of refused) {
    delete fields[fieldId];
    dropped.push(
      withName(
        { fieldId, reason: `Jira refused it: ${fieldErrors[fieldId] ?? 'no reason given'}` },
        fieldName(config, built.issueTypeId, fieldId),
      ),
    );
  }
  const notices = refused.map((id) => ({
    id,
    name: fieldName(config, built.issueTypeId, id),
    message: fieldErrors[id] ?? '',
  }));
  const { alert, context } = built.source;
  // A refused description is replaced by a short one rather than removed; the body then travels as the file.
  const file = rawBodyFile(context.alertId, alert.parsed);
  const rebuilt = refused.includes('description')
    ? { document: refusedDescriptionDocument(notices, built.label, file), rawComplete: false, file }
    : describeAlert(alert, context, { ...readable(built.source), dropped: built.dropped, refused: notices });
  fields['description'] = rebuilt.document;
  const keepsPriority = !refused.includes('priority');
  return {
    fields,
    issueTypeId: built.issueTypeId,
    ...(keepsPriority && built.priorityId ? { priorityId: built.priorityId } : {}),
    ...(keepsPriority && built.priorityName ? { priorityName: built.priorityName } : {}),
    dropped,
    label: built.label,
    description: rebuilt.document,
    ...(rebuilt.rawComplete ? {} : { attachment: rebuilt.file }),
    source: built.source,
  };
}

// ---------------------------------------------------------------------------------------------

function replacedIssueType(replaced: NonNullable<IssueTypeChoice['replaced']>): DroppedField {
  const { id, problem } = replaced;
  const reason =
    problem.kind === 'subtask-without-parent'
      ? `issue type ${problem.type.name} is a sub-task type and no parent issue is configured`
      : `issue type ${id} from the mapping is not in the saved configuration`;
  return { fieldId: 'issuetype', fieldName: 'Issue Type', reason: `${reason}; used the default issue type` };
}

function resolvePriority(
  priorityId: string | undefined,
  screen: readonly JiraFieldMeta[] | undefined,
  where: string,
  dropped: DroppedField[],
): { id: string; name?: string } | undefined {
  if (priorityId === undefined) return undefined;
  const check = priorityOnScreen(screen, priorityId);
  if (check.ok) return check.name === undefined ? { id: check.id } : { id: check.id, name: check.name };
  dropped.push(
    check.reason === 'not-on-screen'
      ? { fieldId: 'priority', fieldName: 'Priority', reason: `Priority is not on the create screen of ${where}` }
      : {
          fieldId: 'priority',
          fieldName: check.fieldName,
          reason: `priority id ${priorityId} is not allowed for ${where}`,
        },
  );
  return undefined;
}

function fieldName(config: RelayConfig, issueTypeId: string, fieldId: string): string | undefined {
  if (fieldId === 'description') return 'Description';
  return config.fieldMeta[issueTypeId]?.find((f) => f.fieldId === fieldId)?.name ?? fieldNameAnywhere(config, fieldId);
}

function readable(source: DescriptionSource): { readableText?: string } {
  return source.readableText === undefined ? {} : { readableText: source.readableText };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values.filter((v) => v !== ''))];
}
