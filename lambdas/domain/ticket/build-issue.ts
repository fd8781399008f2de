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
import type { AlertDecision } from '#domain/routing/apply-rules.ts';
import { choosePriorityId, priorityOnScreen } from '#domain/routing/choose-priority.ts';
import { routeAlert, targetOf } from '#domain/routing/target-project.ts';
import type { AdfDoc, AdfPanel } from './adf.ts';
import {
  type DescriptionContext,
  describeAlert,
  type RawBodyFile,
  rawBodyFile,
  refusedDescriptionDocument,
} from './description.ts';
import { applyFieldMappings, describeTarget, fieldNameAnywhere, withName } from './field-mapping.ts';
import { toLabel } from './field-values.ts';
import {
  type FollowUp,
  type GroupKeyValues,
  groupedIssueNote,
  linkedFollowUpNote,
  redactionNote,
  type StormNote,
  stormIssueNote,
} from './issue-notes.ts';
import { type Redaction, redactAlert } from './redact.ts';
import { mappedSummary, renderSummary, TEST_SUMMARY_PREFIX } from './summary.ts';
import { JIRA_SHORT_TEXT_MAX, singleLine, truncate } from './text.ts';

/** Labels every ticket carries; `keeper` lets analysts filter the relay's tickets. */
export const KEEPER_LABEL = 'keeper';
export const UNPARSED_LABEL = 'keeper-unparsed';
export const TEST_LABEL = 'keeper-test';

// Fields `withoutFields` keeps even when Jira names them: without them there is no issue at all.
const PROTECTED_FIELDS = new Set(['project', 'issuetype', 'summary']);

export interface BuildContext extends DescriptionContext {
  readonly config: RelayConfig;
  /** What the rules decided for this alert (`decideAlert`); without it the default configuration applies. */
  readonly decision?: AlertDecision;
  /** The alert opens its group's issue: the description says that repeats arrive as comments. */
  readonly group?: { readonly key: GroupKeyValues; readonly windowMinutes: number };
  /** The alert opens its rule's storm issue for the hour: the summary and description say so. */
  readonly storm?: StormNote;
  /** The issue follows a done issue of the same group (linked by delivery): the description says why. */
  readonly followUp?: FollowUp;
}

/** The received body as a file on the issue, with the text to attach (redacted like the ticket). */
export interface AttachedBody extends RawBodyFile {
  readonly content: string;
}

export interface BuiltIssue {
  /** The `fields` object of `POST /rest/api/3/issue`. */
  readonly fields: Record<string, unknown>;
  /** The project the issue is created in (a rule may route elsewhere than the default project). */
  readonly projectKey: string;
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
   * the description was replaced): `content` must be attached to the issue as this file, which the
   * description names. For a redacted alert `content` is the redacted body, never the original.
   */
  readonly attachment?: AttachedBody;
  /** Payload paths shown as `[redacted]` (the rule listed them and the alert had them). */
  readonly redactedPaths: readonly string[];
  /** What the description was built from, to build it again with Jira's refusals (`withoutFields`). */
  readonly source: DescriptionSource;
}

/** The inputs of a description besides its notices. */
export interface DescriptionSource {
  /** The alert as the ticket shows it (redacted when a rule says so). */
  readonly alert: KeeperAlert;
  readonly context: DescriptionContext;
  readonly readableText?: string;
  /** The panels saying what the rules did (grouped, storm, redacted, follow-up). */
  readonly notes?: readonly AdfPanel[];
}

/**
 * Builds the Jira `fields` for an alert: summary, ADF description, project, issue type, priority,
 * labels, assignee, security level and every field mapping converted to its field's schema, with
 * the matching rule's decision (`ctx.decision`) applied and its redaction done first, so nothing
 * built afterwards can show a redacted value. Never throws for alert content.
 */
export function buildIssue(received: KeeperAlert, ctx: BuildContext): BuiltIssue {
  const { config, decision } = ctx;
  const redaction: Redaction | undefined =
    decision !== undefined && decision.redact.length > 0 ? redactAlert(received, decision.redact) : undefined;
  const alert = redaction?.alert ?? received;
  const ruleName = decision?.rule?.name;
  const from = ruleName === undefined ? 'the rule' : `rule "${ruleName}"`;

  // Routing reads the received event and category: the rule decided on them too.
  const route = routeAlert(
    config,
    received,
    decision?.projectKey ?? config.project.key,
    decision?.issueTypeId,
    ruleName,
  );
  const { target, issueTypeId } = route;
  const dropped: DroppedField[] = [...route.dropped];
  const where = describeTarget(target, issueTypeId);
  const screen = target.fieldMeta[issueTypeId];
  const label = alertLabel(ctx.alertId);
  const onScreen = (fieldId: string): boolean => screen === undefined || screen.some((f) => f.fieldId === fieldId);

  const fields: Record<string, unknown> = {
    project: { id: target.project.id },
    issuetype: { id: issueTypeId },
  };
  const issueType = target.issueTypes.find((t) => t.id === issueTypeId);
  if (target.isDefault && issueType?.subtask && config.parentIssueKey) {
    fields['parent'] = { key: config.parentIssueKey };
  }

  const mapped = applyFieldMappings(alert, config, issueTypeId, target);
  Object.assign(fields, mapped.fields);
  dropped.push(...mapped.dropped);

  const summary = mapped.summaryOverride
    ? mappedSummary(mapped.summaryOverride)
    : renderSummary(alert, config.summaryTemplate);
  const stormPrefix = ctx.storm ? `Alert storm: ${truncate(singleLine(ctx.storm.ruleName), 100)} — ` : '';
  fields['summary'] = truncate(`${ctx.test ? TEST_SUMMARY_PREFIX : ''}${stormPrefix}${summary}`, JIRA_SHORT_TEXT_MAX);

  const labels = unique([
    KEEPER_LABEL,
    toLabel(alert.event.toLowerCase()),
    label,
    ...(alert.parsed ? [] : [UNPARSED_LABEL]),
    ...(ctx.test ? [TEST_LABEL] : []),
    ...mapped.mappedLabels,
    ...(decision?.labels ?? []).map(toLabel),
  ]);
  if (onScreen('labels')) fields['labels'] = labels;
  else dropped.push({ fieldId: 'labels', fieldName: 'Labels', reason: `not on the create screen of ${where}` });

  // The rule's priority wins over every mapping, a field mapping to Priority included.
  const priorityId =
    decision?.priorityId ?? choosePriorityId(config, received.event, received.category, mapped.priorityId);
  const priority = resolvePriority(priorityId, screen, where, dropped);
  if (priority) fields['priority'] = { id: priority.id };

  if (decision?.assigneeAccountId !== undefined) {
    if (onScreen('assignee')) fields['assignee'] = { accountId: decision.assigneeAccountId };
    else
      dropped.push({
        fieldId: 'assignee',
        fieldName: 'Assignee',
        reason: `the assignee from ${from} cannot be set: Assignee is not on the create screen of ${where}`,
      });
  }
  if (decision?.securityLevelId !== undefined) {
    const security = screen?.find((f) => f.fieldId === 'security');
    const allowed =
      security?.allowedValues === undefined || security.allowedValues.some((v) => v.id === decision.securityLevelId);
    if (security !== undefined && allowed) fields['security'] = { id: decision.securityLevelId };
    else
      dropped.push({
        fieldId: 'security',
        fieldName: security?.name ?? 'Security Level',
        reason:
          security === undefined
            ? `the security level from ${from} cannot be set: Security Level is not on the create screen of ${where}`
            : `security level ${decision.securityLevelId} from ${from} is not allowed for ${where}`,
      });
  }

  const notes = ticketNotes(ctx, redaction);
  const context: DescriptionContext = {
    alertId: ctx.alertId,
    receivedAt: ctx.receivedAt,
    ...(ctx.test ? { test: true } : {}),
  };
  const source: DescriptionSource = {
    alert,
    context,
    ...(mapped.descriptionText !== undefined ? { readableText: mapped.descriptionText } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
  const built = describeAlert(alert, context, { ...described(source), dropped });
  fields['description'] = built.document;
  return {
    fields,
    projectKey: target.project.key,
    issueTypeId,
    ...(priority ? { priorityId: priority.id, ...(priority.name ? { priorityName: priority.name } : {}) } : {}),
    dropped,
    label,
    description: built.document,
    ...(built.rawComplete ? {} : { attachment: { ...built.file, content: alert.rawText } }),
    redactedPaths: redaction?.redactedPaths ?? [],
    source,
  };
}

/** The panels that say what the rules did to this ticket, most telling first. */
function ticketNotes(ctx: BuildContext, redaction: Redaction | undefined): AdfPanel[] {
  const ruleName = ctx.decision?.rule?.name;
  const redacted =
    redaction === undefined
      ? undefined
      : redactionNote({
          paths: redaction.redactedPaths,
          retentionDays: ctx.config.redactionRetentionDays,
          ...(ruleName !== undefined ? { ruleName } : {}),
          ...(redaction.skipped !== undefined
            ? { skipped: redaction.skipped, listed: ctx.decision?.redact ?? [] }
            : {}),
        });
  return [
    ctx.followUp && linkedFollowUpNote(ctx.followUp),
    ctx.storm && stormIssueNote(ctx.storm),
    ctx.group && groupedIssueNote({ ...ctx.group, ...(ruleName !== undefined ? { ruleName } : {}) }),
    redacted,
  ].filter((note): note is AdfPanel => note !== undefined);
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
        fieldName(config, built, fieldId),
      ),
    );
  }
  const notices = refused.map((id) => ({
    id,
    name: fieldName(config, built, id),
    message: fieldErrors[id] ?? '',
  }));
  const { alert, context } = built.source;
  // A refused description is replaced by a short one rather than removed; the body then travels as the file.
  const file = rawBodyFile(context.alertId, alert.parsed);
  const rebuilt = refused.includes('description')
    ? { document: refusedDescriptionDocument(notices, built.label, file), rawComplete: false, file }
    : describeAlert(alert, context, { ...described(built.source), dropped: built.dropped, refused: notices });
  fields['description'] = rebuilt.document;
  const keepsPriority = !refused.includes('priority');
  return {
    fields,
    projectKey: built.projectKey,
    issueTypeId: built.issueTypeId,
    ...(keepsPriority && built.priorityId ? { priorityId: built.priorityId } : {}),
    ...(keepsPriority && built.priorityName ? { priorityName: built.priorityName } : {}),
    dropped,
    label: built.label,
    description: rebuilt.document,
    ...(rebuilt.rawComplete ? {} : { attachment: { ...rebuilt.file, content: alert.rawText } }),
    redactedPaths: built.redactedPaths,
    source: built.source,
  };
}

// ---------------------------------------------------------------------------------------------

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

function fieldName(
  config: RelayConfig,
  built: Pick<BuiltIssue, 'projectKey' | 'issueTypeId'>,
  fieldId: string,
): string | undefined {
  if (fieldId === 'description') return 'Description';
  const screen = targetOf(config, built.projectKey).fieldMeta[built.issueTypeId];
  return screen?.find((f) => f.fieldId === fieldId)?.name ?? fieldNameAnywhere(config, fieldId);
}

function described(source: DescriptionSource): { readableText?: string; notes?: readonly AdfPanel[] } {
  return {
    ...(source.readableText === undefined ? {} : { readableText: source.readableText }),
    ...(source.notes === undefined ? {} : { notes: source.notes }),
  };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values.filter((v) => v !== ''))];
}
