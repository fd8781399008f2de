/**
 * Configuration: discovery of the Jira project (projects, issue types, create fields, priorities,
 * assignable users, security levels), the configuration itself (get, save, reset, history), and the
 * Keeper catalogues the mapping screens offer (events, payload fields).
 */

import * as z from 'zod/mini';
import { eventCatalog } from '#domain/alert/event-catalog.ts';
import { configChoicesSchema, readConfigDocument, toConfigDocument } from '#domain/configuration/config-document.ts';
import {
  type ConfigInput,
  prioritiesOnScreens,
  resetConfiguration,
  saveConfiguration,
} from '#domain/configuration/configure-relay.ts';
import { observedEmails } from '#domain/configuration/observed-emails.ts';
import { previewConfiguration } from '#domain/configuration/preview-config.ts';
import { previewDraft } from '#domain/configuration/preview-draft.ts';
import { CONFIG_SECTIONS } from '#domain/configuration/validate-config.ts';
import { NotFoundError, ValidationError } from '#domain/errors.ts';
import type { Actor, AdminSession } from '#domain/ports.ts';
import type { AdminResponse } from '#shared/admin-api-routes.ts';
import { json } from '#shared/http.ts';
import type { AdminApiDeps } from './admin-api-deps.ts';
import { toConfigDto, toConfigVersionDtos, toFieldDto, toKeeperFieldDtos } from './dto-mappers.ts';
import { parseJsonBody, queryParams } from './request-input.ts';
import type { AdminRouteHandlers } from './router.ts';

const configInputSchema = z.extend(configChoicesSchema, {
  expectedVersion: z.number().check(z.int(), z.nonnegative()),
  section: z.optional(z.enum(CONFIG_SECTIONS)),
});

const previewInputSchema = z.object({ draft: configChoicesSchema });

// The document is read by `readConfigDocument`, which names each of its problems.
const importInputSchema = z.object({
  document: z.unknown(),
  expectedVersion: z.number().check(z.int(), z.nonnegative()),
});

const resetInputSchema = z.object({ projectKey: z.optional(z.string()) });

/** Versions listed by the history panel; one more is read so the oldest shown can be described. */
const HISTORY_VERSIONS = 50;
/** Recent alerts whose payload paths are offered as mapping sources next to the documented fields. */
const RECENT_ALERTS_FOR_FIELDS = 200;
/** A type-ahead asks with what was typed; a longer text names nobody and is refused before Jira sees it. */
const MAX_USER_QUERY = 100;
/** Users answered per search: a picker shows a short list, and Jira pages at 50 anyway. */
const MAX_ASSIGNABLE_USERS = 50;

function actorOf(session: AdminSession): Actor {
  return { accountId: session.accountId, displayName: session.displayName };
}

export function configRoutes(
  deps: AdminApiDeps,
): Pick<
  AdminRouteHandlers,
  | 'projects'
  | 'issueTypes'
  | 'fields'
  | 'priorities'
  | 'assignableUsers'
  | 'securityLevels'
  | 'config'
  | 'saveConfig'
  | 'resetConfig'
  | 'configHistory'
  | 'previewConfig'
  | 'exportConfig'
  | 'importConfig'
  | 'events'
  | 'keeperFields'
> {
  const configureDeps = {
    tracker: deps.tracker,
    configs: deps.configs,
    ledger: deps.ledger,
    queue: deps.queue,
    clock: deps.clock,
  };

  return {
    projects: async () =>
      json(200, { projects: await deps.tracker.listProjects() } satisfies AdminResponse<'projects'>),

    issueTypes: async ({ params }) =>
      json(200, { issueTypes: await deps.tracker.listIssueTypes(params.key) } satisfies AdminResponse<'issueTypes'>),

    fields: async ({ params }) => {
      const fields = await deps.tracker.listCreateFields(params.key, params.id);
      return json(200, { fields: fields.map(toFieldDto) } satisfies AdminResponse<'fields'>);
    },

    priorities: async ({ params }) => {
      const types = (await deps.tracker.listIssueTypes(params.key)).filter((t) => !t.subtask);
      const metas = await Promise.all(types.map((t) => deps.tracker.listCreateFields(params.key, t.id)));
      return json(200, { priorities: prioritiesOnScreens(metas) } satisfies AdminResponse<'priorities'>);
    },

    assignableUsers: async ({ event, params }) => {
      const query = (queryParams(event).get('query') ?? '').trim();
      if (query.length > MAX_USER_QUERY)
        throw new ValidationError(`Search with at most ${MAX_USER_QUERY} characters`, [
          { path: 'query', message: `At most ${MAX_USER_QUERY} characters` },
        ]);
      const users = await deps.tracker.findAssignableUsers(params.key, { query });
      return json(200, {
        users: users.slice(0, MAX_ASSIGNABLE_USERS).map((u) => ({
          accountId: u.accountId,
          displayName: u.displayName,
          ...(u.emailAddress ? { emailAddress: u.emailAddress } : {}),
        })),
      } satisfies AdminResponse<'assignableUsers'>);
    },

    securityLevels: async ({ params }) => {
      const levels = await deps.tracker.listSecurityLevels(params.key);
      return json(200, {
        levels: levels.map((l) => ({ id: l.id, name: l.name })),
      } satisfies AdminResponse<'securityLevels'>);
    },

    config: async () => {
      const config = await deps.configs.get();
      return json(200, { config: config ? toConfigDto(config) : null } satisfies AdminResponse<'config'>);
    },

    saveConfig: async ({ event, session }) => {
      const input = parseJsonBody(event, configInputSchema) as ConfigInput;
      const saved = await saveConfiguration(configureDeps, input, actorOf(session), () => observedEmails(deps.ledger));
      deps.log.info('Configuration saved', { version: saved.version, project: saved.project.key });
      return json(200, { config: toConfigDto(saved) } satisfies AdminResponse<'saveConfig'>);
    },

    resetConfig: async ({ event, session }) => {
      const body = parseJsonBody(event, resetInputSchema);
      const current = await deps.configs.get();
      const projectKey = body.projectKey ?? current?.project.key;
      if (!projectKey)
        throw new ValidationError('Choose a target project first', [
          { path: 'projectKey', message: 'Choose a target project' },
        ]);
      const saved = await resetConfiguration(
        configureDeps,
        { expectedVersion: current?.version ?? 0, projectKey },
        actorOf(session),
      );
      return json(200, { config: toConfigDto(saved) } satisfies AdminResponse<'resetConfig'>);
    },

    configHistory: async () => {
      const versions = await deps.configs.history(HISTORY_VERSIONS + 1);
      return json(200, {
        versions: toConfigVersionDtos(versions, HISTORY_VERSIONS),
      } satisfies AdminResponse<'configHistory'>);
    },

    previewConfig: async ({ event, session }) => {
      const { draft } = parseJsonBody(event, previewInputSchema);
      const saved = await deps.configs.get();
      // Only list calls reach Jira (metadata the saved configuration does not cover); nothing is written.
      const config = await previewDraft(deps.tracker, draft, saved, { actor: actorOf(session), now: deps.clock.now() });
      const preview = await previewConfiguration({ ledger: deps.ledger, clock: deps.clock }, config, saved);
      return json(200, preview satisfies AdminResponse<'previewConfig'>);
    },

    exportConfig: async () => {
      const config = await deps.configs.get();
      if (!config) throw new NotFoundError('Nothing to export: no configuration is saved yet');
      const document = toConfigDocument(config, deps.siteUrl, deps.clock.now());
      const answer = json(200, document satisfies AdminResponse<'exportConfig'>, {
        headers: {
          'content-disposition': `attachment; filename="keeper-jira-relay-config-v${config.version}.json"`,
        },
      });
      // Indented, one key per line: a team keeps the file in git and reads its diffs.
      return { ...answer, body: `${JSON.stringify(document, null, 2)}\n` };
    },

    importConfig: async ({ event, session }) => {
      const body = parseJsonBody(event, importInputSchema);
      const choices = readConfigDocument(body.document);
      const saved = await saveConfiguration(
        configureDeps,
        { ...choices, expectedVersion: body.expectedVersion },
        actorOf(session),
        () => observedEmails(deps.ledger),
      );
      deps.log.info('Configuration imported', { version: saved.version, project: saved.project.key });
      return json(200, { config: toConfigDto(saved) } satisfies AdminResponse<'importConfig'>);
    },

    // The catalogue is read-only and shared, so it is not checked against the contract's mutable arrays.
    events: async () => json(200, { events: eventCatalog.events, categories: eventCatalog.categories }),

    keeperFields: async () => {
      const recent = await deps.ledger.listRecent(RECENT_ALERTS_FOR_FIELDS);
      return json(200, {
        fields: toKeeperFieldDtos(recent.items.flatMap((r) => r.fieldPaths)),
      } satisfies AdminResponse<'keeperFields'>);
    },
  };
}
