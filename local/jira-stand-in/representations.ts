/** JSON shapes of Jira resources as the REST API returns them, built from the seed. */
import {
  FIELDS,
  type FieldDef,
  ISSUE_LINK_TYPES,
  ISSUE_TYPES,
  type IssueLinkTypeDef,
  type IssueTypeDef,
  type OptionDef,
  PRIORITIES,
  PROJECTS,
  type PriorityDef,
  type ProjectDef,
  type SecurityLevelDef,
  type SeedUser,
  USERS,
} from './seed.ts';

/** Base of every `self` link: `{url}/ex/jira/{cloudId}/rest/api/3`. */
export interface Links {
  readonly api: string;
  readonly site: string;
}

export function findProject(idOrKey: string): ProjectDef | undefined {
  const wanted = idOrKey.toUpperCase();
  return PROJECTS.find((p) => p.id === idOrKey || p.key === wanted);
}

export function findUser(accountId: string): SeedUser | undefined {
  return USERS.find((u) => u.accountId === accountId);
}

export function findIssueType(id: string): IssueTypeDef | undefined {
  return ISSUE_TYPES.find((t) => t.id === id);
}

export function findField(id: string): FieldDef | undefined {
  return FIELDS.find((f) => f.id === id);
}

export function findPriority(id: string): PriorityDef | undefined {
  return PRIORITIES.find((p) => p.id === id);
}

function avatarUrls(seed: string): Record<string, string> {
  const initials = seed
    .split(/\s+/)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return Object.fromEntries(
    [16, 24, 32, 48].map((size) => [
      `${size}x${size}`,
      `https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/initials/${initials}-5.png?size=${size}&s=${size}`,
    ]),
  );
}

export function userJson(links: Links, user: SeedUser): Record<string, unknown> {
  return {
    self: `${links.api}/user?accountId=${encodeURIComponent(user.accountId)}`,
    accountId: user.accountId,
    accountType: 'atlassian',
    // Privacy: hidden e-mail addresses are omitted, as Jira Cloud does.
    ...(user.emailVisible ? { emailAddress: user.email } : {}),
    avatarUrls: avatarUrls(user.displayName),
    displayName: user.displayName,
    active: true,
    timeZone: user.timeZone,
    locale: 'en_US',
  };
}

export function priorityJson(links: Links, p: PriorityDef): Record<string, unknown> {
  return {
    self: `${links.api}/priority/${p.id}`,
    iconUrl: `${links.site}/images/icons/priorities/${p.icon}.svg`,
    name: p.name,
    id: p.id,
  };
}

export function issueTypeJson(links: Links, t: IssueTypeDef): Record<string, unknown> {
  return {
    self: `${links.api}/issuetype/${t.id}`,
    id: t.id,
    description: t.description,
    iconUrl: `${links.site}/rest/api/2/universal_avatar/view/type/issuetype/avatar/${t.avatarId}?size=medium`,
    name: t.name,
    untranslatedName: t.name,
    subtask: t.subtask,
    avatarId: t.avatarId,
    hierarchyLevel: t.hierarchyLevel,
    ...(t.entityId ? { entityId: t.entityId } : {}),
    ...(t.scopeProjectId ? { scope: { type: 'PROJECT', project: { id: t.scopeProjectId } } } : {}),
  };
}

export function projectJson(links: Links, p: ProjectDef, expand: readonly string[] = []): Record<string, unknown> {
  const lead = findUser(p.leadAccountId);
  return {
    expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight',
    self: `${links.api}/project/${p.id}`,
    id: p.id,
    key: p.key,
    name: p.name,
    avatarUrls: avatarUrls(p.name),
    projectTypeKey: 'software',
    simplified: p.simplified,
    style: p.style,
    isPrivate: false,
    properties: {},
    uuid: p.uuid,
    ...(expand.includes('description') ? { description: `${p.name} (Jira stand-in)` } : {}),
    ...(expand.includes('lead') && lead ? { lead: userJson(links, lead) } : {}),
    ...(expand.includes('issueTypes')
      ? {
          issueTypes: p.issueTypeIds
            .map((id) => findIssueType(id))
            .filter((t) => t !== undefined)
            .map((t) => issueTypeJson(links, t)),
        }
      : {}),
    ...(expand.includes('url') ? { url: `${links.site}/browse/${p.key}` } : {}),
  };
}

export function optionJson(links: Links, option: OptionDef): Record<string, unknown> {
  return { self: `${links.api}/customFieldOption/${option.id}`, value: option.value, id: option.id };
}

export function fieldDetailsJson(field: FieldDef): Record<string, unknown> {
  const customId = field.schema.customId;
  return {
    id: field.id,
    key: field.id,
    name: field.name,
    untranslatedName: field.name,
    custom: field.custom,
    orderable: !field.readOnly,
    navigable: true,
    searchable: true,
    clauseNames: customId ? [`cf[${customId}]`, field.name] : [field.id],
    schema: field.schema,
    ...(field.scopeProjectId ? { scope: { type: 'PROJECT', project: { id: field.scopeProjectId } } } : {}),
  };
}

export function securityLevelJson(links: Links, level: SecurityLevelDef): Record<string, unknown> {
  return {
    self: `${links.api}/securitylevel/${level.id}`,
    id: level.id,
    description: level.description,
    name: level.name,
  };
}

/** A link type by id or by name (names compare as Jira does: exactly). */
export function findIssueLinkType(ref: { id?: unknown; name?: unknown }): IssueLinkTypeDef | undefined {
  if (typeof ref.id === 'string' || typeof ref.id === 'number')
    return ISSUE_LINK_TYPES.find((t) => t.id === String(ref.id));
  return typeof ref.name === 'string' ? ISSUE_LINK_TYPES.find((t) => t.name === ref.name) : undefined;
}

export function issueLinkTypeJson(links: Links, type: IssueLinkTypeDef): Record<string, unknown> {
  return {
    id: type.id,
    name: type.name,
    inward: type.inward,
    outward: type.outward,
    self: `${links.api}/issueLinkType/${type.id}`,
  };
}
