/** Domain values → the admin API's JSON shapes (`#shared/admin-api-types.ts`). No I/O. */
import type { TokenMeta } from '#domain/access/webhook-token.ts';
import { DOCUMENTED_KEEPER_FIELDS } from '#domain/alert/keeper-fields.ts';
import { prioritiesOnScreens } from '#domain/configuration/configure-relay.ts';
import { describeConfigChange } from '#domain/configuration/describe-config-change.ts';
import type { IngestResult } from '#domain/delivery/ingest-alert.ts';
import type { JiraConnection } from '#domain/jira-connection/connection-record.ts';
import { grantDaysRemaining, grantExpiresAt } from '#domain/jira-connection/grant-lifetime.ts';
import type { AdminSession, AlertListing, AlertRouting, JiraFieldMeta } from '#domain/ports.ts';
import type { RelayConfig } from '#domain/relay-config.ts';
import { jiraFieldKind } from '#domain/ticket/field-values.ts';
import type {
  AlertCountsDto,
  ConfigDto,
  ConfigVersionDto,
  DeliveryDto,
  FieldDto,
  JiraHealthDto,
  KeeperFieldDto,
  SessionDto,
  StatusDto,
  WebhookResultDto,
} from '#shared/admin-api-types.ts';

export function toSessionDto(session: AdminSession, siteUrl: string): SessionDto {
  return {
    user: {
      accountId: session.accountId,
      displayName: session.displayName,
      ...(session.email ? { email: session.email } : {}),
    },
    site: { url: siteUrl },
    expiresAt: new Date(session.expiresAt * 1000).toISOString(),
  };
}

export function toStatusDto(input: {
  readonly connection: JiraConnection | undefined;
  readonly configured: boolean;
  readonly token: TokenMeta | undefined;
  readonly jira: JiraHealthDto;
  readonly alerts: AlertCountsDto;
  readonly siteUrl: string;
  readonly webhookUrl: string;
  readonly now: Date;
}): StatusDto {
  const { connection, token } = input;
  return {
    connection: connection
      ? {
          state: connection.state,
          siteUrl: connection.siteUrl,
          connectedBy: connection.connectedBy,
          connectedAt: connection.connectedAt,
          ...(connection.lastRefreshAt ? { lastRefreshAt: connection.lastRefreshAt } : {}),
          ...(connection.message ? { message: connection.message } : {}),
          ...(connection.state === 'connected'
            ? {
                grantExpiresAt: grantExpiresAt(connection).toISOString(),
                grantDaysRemaining: grantDaysRemaining(connection, input.now),
              }
            : {}),
        }
      : { state: 'not_connected', siteUrl: input.siteUrl },
    configured: input.configured,
    token: token
      ? { state: 'enabled', createdAt: token.createdAt, ...(token.lastUsedAt ? { lastUsedAt: token.lastUsedAt } : {}) }
      : { state: 'not_configured' },
    webhookUrl: input.webhookUrl,
    jira: input.jira,
    alerts: input.alerts,
  };
}

export function toConfigDto(config: RelayConfig): ConfigDto {
  return {
    version: config.version,
    updatedAt: config.updatedAt,
    updatedBy: config.updatedBy,
    project: config.project,
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
    issueTypes: config.issueTypes,
    priorities: prioritiesOnScreens(Object.values(config.fieldMeta)),
    fieldMeta: Object.fromEntries(
      Object.entries(config.fieldMeta).map(([typeId, fields]) => [typeId, fields.map(toFieldDto)]),
    ),
  };
}

/** `versions` newest first, as the store lists them; each is described against the one saved before it. */
export function toConfigVersionDtos(versions: readonly RelayConfig[], limit: number): ConfigVersionDto[] {
  return versions.slice(0, limit).map((c, i) => ({
    version: c.version,
    updatedAt: c.updatedAt,
    updatedBy: c.updatedBy,
    summary: describeConfigChange(versions[i + 1], c),
  }));
}

export function toFieldDto(meta: JiraFieldMeta): FieldDto {
  const kind = jiraFieldKind(meta);
  return {
    id: meta.fieldId,
    name: meta.name,
    type: kind,
    required: meta.required,
    hasDefaultValue: meta.hasDefaultValue,
    ...(meta.allowedValues
      ? { allowedValues: meta.allowedValues.map((v) => ({ id: v.id, label: v.value ?? v.name ?? v.id })) }
      : {}),
    mappable: kind !== 'other',
  };
}

/**
 * Caps of the strings a delivery carries (characters): every DTO stays a few kilobytes, whatever an
 * alert or Jira put into the ledger, so a page of them is bounded by its item count too.
 */
export const DELIVERY_TEXT_CAPS = {
  name: 255,
  url: 2048,
  error: 1000,
  reason: 300,
  droppedFields: 20,
  redactedPaths: 20,
} as const;

function capped(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A listing, with the rules' part when the caller read it (`ledger.routingOf`). */
export function toDeliveryDto(record: AlertListing & AlertRouting): DeliveryDto {
  const { name, url, error, reason, droppedFields, redactedPaths } = DELIVERY_TEXT_CAPS;
  return {
    alertId: record.alertId,
    receivedAt: record.receivedAt,
    event: capped(record.event, name),
    ...(record.category ? { category: capped(record.category, name) } : {}),
    ...(record.alertName ? { alertName: capped(record.alertName, name) } : {}),
    status: record.status,
    attempts: record.attempts,
    updatedAt: record.updatedAt,
    ...(record.nextAttemptAt && record.status !== 'delivered' ? { nextAttemptAt: record.nextAttemptAt } : {}),
    ...(record.deliveredAt ? { deliveredAt: record.deliveredAt } : {}),
    ...(record.issueType ? { issueType: capped(record.issueType, name) } : {}),
    ...(record.issueKey ? { issueKey: capped(record.issueKey, name) } : {}),
    ...(record.issueUrl ? { issueUrl: capped(record.issueUrl, url) } : {}),
    ...(record.priority ? { priority: capped(record.priority, name) } : {}),
    ...(record.lastError && record.status !== 'delivered' ? { lastError: capped(record.lastError, error) } : {}),
    ...(record.droppedFields && record.droppedFields.length > 0
      ? {
          droppedFields: record.droppedFields.slice(0, droppedFields).map((field) => ({
            fieldId: capped(field.fieldId, name),
            ...(field.fieldName !== undefined ? { fieldName: capped(field.fieldName, name) } : {}),
            reason: capped(field.reason, reason),
          })),
        }
      : {}),
    duplicates: record.duplicates,
    ...(record.lastDuplicateAt ? { lastDuplicateAt: record.lastDuplicateAt } : {}),
    test: record.test === true,
    parsed: record.parsed,
    ...(record.ruleId
      ? { rule: { id: capped(record.ruleId, name), name: capped(record.ruleName ?? record.ruleId, name) } }
      : {}),
    ...(record.groupId && record.groupRole
      ? { group: { id: capped(record.groupId, name), role: record.groupRole } }
      : {}),
    ...(record.escalated ? { escalated: true } : {}),
    ...(record.redactedPaths && record.redactedPaths.length > 0
      ? { redactedPaths: record.redactedPaths.slice(0, redactedPaths).map((path) => capped(path, name)) }
      : {}),
  };
}

export function toWebhookResultDto(result: IngestResult): WebhookResultDto {
  switch (result.kind) {
    case 'created':
      return { alertId: result.alertId, issueKey: result.issueKey, issueUrl: result.issueUrl };
    case 'accepted':
      return { alertId: result.alertId, status: result.status, ...(result.error ? { error: result.error } : {}) };
    case 'handled':
      return {
        alertId: result.alertId,
        status: result.status,
        ...(result.issueKey ? { issueKey: result.issueKey, issueUrl: result.issueUrl ?? '' } : {}),
      };
    case 'duplicate':
      return {
        alertId: result.alertId,
        duplicate: true,
        status: result.status,
        ...(result.issueKey ? { issueKey: result.issueKey, issueUrl: result.issueUrl ?? '' } : {}),
      };
  }
}

/** Keeper's documented fields and the paths seen in received alerts, sorted, each saying where it is known from. */
export function toKeeperFieldDtos(receivedPaths: Iterable<string>): KeeperFieldDto[] {
  const received = new Set(receivedPaths);
  const documented = new Set<string>(DOCUMENTED_KEEPER_FIELDS);
  return [...new Set([...documented, ...received])].sort().map((path) => ({
    path,
    origin: documented.has(path) && received.has(path) ? 'both' : documented.has(path) ? 'documented' : 'received',
  }));
}
