/**
 * The stand-in's fixed Jira site: users, projects, issue types, priorities, fields and create
 * screens. Ids are stable so tests and the README can name them. See README.md for the tables.
 */

export const SITE_NAME = 'Keeper Demo';
export const CLOUD_ID = '6f1c2d3e-4b5a-4c6d-8e7f-90a1b2c3d4e5';
const CF = 'com.atlassian.jira.plugin.system.customfieldtypes';

export type GlobalPermission = 'ADMINISTER' | 'SYSTEM_ADMIN' | 'USER_PICKER' | 'CREATE_SHARED_OBJECTS';
export type ProjectPermission =
  | 'BROWSE_PROJECTS'
  | 'CREATE_ISSUES'
  | 'EDIT_ISSUES'
  | 'ADD_COMMENTS'
  | 'ASSIGN_ISSUES'
  | 'ASSIGNABLE_USER'
  | 'TRANSITION_ISSUES'
  | 'LINK_ISSUES'
  | 'SET_ISSUE_SECURITY'
  | 'MODIFY_REPORTER'
  | 'ADMINISTER_PROJECTS';

export interface PermissionInfo {
  readonly id: string;
  readonly name: string;
  readonly type: 'GLOBAL' | 'PROJECT';
  readonly description: string;
}

/** Permission keys the stand-in knows; anything else is a 400 like Jira's unknown key. */
export const PERMISSIONS: Readonly<Record<GlobalPermission | ProjectPermission, PermissionInfo>> = {
  ADMINISTER: {
    id: '0',
    name: 'Administer Jira',
    type: 'GLOBAL',
    description:
      'Create and administer projects, issue types, fields, workflows, and schemes for all projects. Users with this permission can perform most administration tasks, except: managing users, importing data, and editing system email settings.',
  },
  SYSTEM_ADMIN: {
    id: '44',
    name: 'Administer Jira',
    type: 'GLOBAL',
    description: 'Ability to perform all administration functions.',
  },
  USER_PICKER: {
    id: '27',
    name: 'Browse users and groups',
    type: 'GLOBAL',
    description:
      'View and select users or groups from the user picker, and share issues. Users with this permission can see the names of all users and groups on your site.',
  },
  CREATE_SHARED_OBJECTS: {
    id: '22',
    name: 'Share dashboards and filters',
    type: 'GLOBAL',
    description: 'Share dashboards and filters with other users.',
  },
  BROWSE_PROJECTS: {
    id: '10',
    name: 'Browse Projects',
    type: 'PROJECT',
    description: 'Ability to browse projects and the issues within them.',
  },
  CREATE_ISSUES: { id: '11', name: 'Create Issues', type: 'PROJECT', description: 'Ability to create issues.' },
  EDIT_ISSUES: { id: '12', name: 'Edit Issues', type: 'PROJECT', description: 'Ability to edit issues.' },
  ADD_COMMENTS: { id: '15', name: 'Add Comments', type: 'PROJECT', description: 'Ability to comment on issues.' },
  ASSIGN_ISSUES: {
    id: '13',
    name: 'Assign Issues',
    type: 'PROJECT',
    description: 'Ability to assign issues to other people.',
  },
  ASSIGNABLE_USER: {
    id: '17',
    name: 'Assignable User',
    type: 'PROJECT',
    description: 'Users with this permission may be assigned to issues.',
  },
  TRANSITION_ISSUES: {
    id: '46',
    name: 'Transition Issues',
    type: 'PROJECT',
    description: 'Ability to transition issues.',
  },
  LINK_ISSUES: {
    id: '21',
    name: 'Link Issues',
    type: 'PROJECT',
    description: 'Ability to link issues together and create linked issues. Only useful if issue linking is turned on.',
  },
  SET_ISSUE_SECURITY: {
    id: '26',
    name: 'Set Issue Security',
    type: 'PROJECT',
    description:
      'Ability to set the level of security on an issue so that only people in that security level can see the issue.',
  },
  MODIFY_REPORTER: {
    id: '30',
    name: 'Modify Reporter',
    type: 'PROJECT',
    description: 'Ability to modify the reporter when creating or editing an issue.',
  },
  ADMINISTER_PROJECTS: {
    id: '23',
    name: 'Administer Projects',
    type: 'PROJECT',
    description: 'Ability to administer a project in Jira.',
  },
};

export interface SeedUser {
  readonly accountId: string;
  readonly displayName: string;
  readonly email: string;
  /** False: the profile hides the email (privacy), so the API never returns it. */
  readonly emailVisible: boolean;
  readonly timeZone: string;
  readonly global: readonly GlobalPermission[];
  /** Project key → permissions in that project. */
  readonly projects: Readonly<Record<string, readonly ProjectPermission[]>>;
  /** Listed on the sign-in page. */
  readonly canSignIn: boolean;
}

const MEMBER: readonly ProjectPermission[] = [
  'BROWSE_PROJECTS',
  'CREATE_ISSUES',
  'EDIT_ISSUES',
  'ADD_COMMENTS',
  'ASSIGN_ISSUES',
  'ASSIGNABLE_USER',
  'TRANSITION_ISSUES',
  'LINK_ISSUES',
];
/** A member who may not be assigned issues (Pat in OPS): absent from assignable-user search. */
const NOT_ASSIGNABLE: readonly ProjectPermission[] = MEMBER.filter((p) => p !== 'ASSIGNABLE_USER');
const ADMIN: readonly ProjectPermission[] = [...MEMBER, 'SET_ISSUE_SECURITY', 'MODIFY_REPORTER', 'ADMINISTER_PROJECTS'];

export const USERS: readonly SeedUser[] = [
  {
    accountId: '712020:a11ce000-0000-4000-8000-000000000001',
    displayName: 'Alice Admin',
    email: 'alice.admin@example.com',
    emailVisible: true,
    timeZone: 'Europe/Berlin',
    global: ['ADMINISTER', 'USER_PICKER', 'CREATE_SHARED_OBJECTS'],
    projects: { SEC: ADMIN, OPS: ADMIN },
    canSignIn: true,
  },
  {
    accountId: '712020:9a7a0000-0000-4000-8000-000000000002',
    displayName: 'Pat ProjectAdmin',
    email: 'pat.projectadmin@example.com',
    emailVisible: true,
    timeZone: 'America/New_York',
    global: ['USER_PICKER', 'CREATE_SHARED_OBJECTS'],
    projects: { SEC: ADMIN, OPS: NOT_ASSIGNABLE },
    canSignIn: true,
  },
  {
    accountId: '712020:417a0000-0000-4000-8000-000000000003',
    displayName: 'Rita Regular',
    email: 'rita.regular@example.com',
    emailVisible: true,
    timeZone: 'Europe/London',
    global: ['USER_PICKER'],
    projects: { SEC: MEMBER, OPS: MEMBER },
    canSignIn: true,
  },
  {
    accountId: '712020:41dde000-0000-4000-8000-000000000004',
    displayName: 'Hidden Harper',
    email: 'harper.hidden@example.com',
    emailVisible: false,
    timeZone: 'Australia/Sydney',
    global: ['USER_PICKER'],
    projects: { SEC: MEMBER, OPS: MEMBER },
    canSignIn: false,
  },
];

export interface PriorityDef {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly statusColor: string;
  readonly icon: string;
}

export const PRIORITIES: readonly PriorityDef[] = [
  {
    id: '1',
    name: 'Highest',
    description: 'This problem will block progress.',
    statusColor: '#d04437',
    icon: 'highest',
  },
  {
    id: '2',
    name: 'High',
    description: 'Serious problem that could block progress.',
    statusColor: '#f15C75',
    icon: 'high',
  },
  {
    id: '3',
    name: 'Medium',
    description: 'Has the potential to affect progress.',
    statusColor: '#f79232',
    icon: 'medium',
  },
  { id: '4', name: 'Low', description: 'Minor problem or easily worked around.', statusColor: '#707070', icon: 'low' },
  {
    id: '5',
    name: 'Lowest',
    description: 'Trivial problem with little or no impact on progress.',
    statusColor: '#999999',
    icon: 'lowest',
  },
];
export const DEFAULT_PRIORITY_ID = '3';

export interface IssueTypeDef {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly subtask: boolean;
  readonly hierarchyLevel: number;
  readonly avatarId: number;
  /** Team-managed (next-gen) types belong to one project. */
  readonly scopeProjectId?: string;
  readonly entityId?: string;
}

export const ISSUE_TYPES: readonly IssueTypeDef[] = [
  {
    id: '10001',
    name: 'Task',
    description: 'A small, distinct piece of work.',
    subtask: false,
    hierarchyLevel: 0,
    avatarId: 10318,
  },
  {
    id: '10002',
    name: 'Epic',
    description: 'A big user story that needs to be broken down.',
    subtask: false,
    hierarchyLevel: 1,
    avatarId: 10307,
  },
  {
    id: '10003',
    name: 'Sub-task',
    description: "A small piece of work that's part of a larger task.",
    subtask: true,
    hierarchyLevel: -1,
    avatarId: 10316,
  },
  { id: '10004', name: 'Bug', description: 'A problem or error.', subtask: false, hierarchyLevel: 0, avatarId: 10303 },
  {
    id: '10005',
    name: 'Incident',
    description: 'A security incident raised from an alert.',
    subtask: false,
    hierarchyLevel: 0,
    avatarId: 10304,
  },
  {
    id: '10010',
    name: 'Task',
    description: 'A small, distinct piece of work.',
    subtask: false,
    hierarchyLevel: 0,
    avatarId: 10318,
    scopeProjectId: '10001',
    entityId: 'b1c6e2a0-1d2e-4f30-9a41-5b6c7d8e9f01',
  },
  {
    id: '10011',
    name: 'Incident',
    description: 'Something broke.',
    subtask: false,
    hierarchyLevel: 0,
    avatarId: 10304,
    scopeProjectId: '10001',
    entityId: 'b1c6e2a0-1d2e-4f30-9a41-5b6c7d8e9f02',
  },
  {
    id: '10012',
    name: 'Subtask',
    description: 'A small piece of work within a task.',
    subtask: true,
    hierarchyLevel: -1,
    avatarId: 10316,
    scopeProjectId: '10001',
    entityId: 'b1c6e2a0-1d2e-4f30-9a41-5b6c7d8e9f03',
  },
];

export interface FieldSchema {
  readonly type: string;
  readonly system?: string;
  readonly custom?: string;
  readonly customId?: number;
  readonly items?: string;
}

export interface OptionDef {
  readonly id: string;
  readonly value: string;
}

export interface FieldDef {
  readonly id: string;
  readonly name: string;
  readonly custom: boolean;
  readonly schema: FieldSchema;
  readonly options?: readonly OptionDef[];
  /** Team-managed custom fields belong to one project. */
  readonly scopeProjectId?: string;
  /** Returned by GET /field but never settable on create (status, created…). */
  readonly readOnly?: boolean;
}

function customField(
  num: number,
  name: string,
  type: string,
  customType: string,
  extra: { items?: string; options?: readonly (readonly [number, string])[]; scopeProjectId?: string } = {},
): FieldDef {
  return {
    id: `customfield_${num}`,
    name,
    custom: true,
    schema: { type, custom: `${CF}:${customType}`, customId: num, ...(extra.items ? { items: extra.items } : {}) },
    ...(extra.options ? { options: extra.options.map(([id, value]) => ({ id: String(id), value })) } : {}),
    ...(extra.scopeProjectId ? { scopeProjectId: extra.scopeProjectId } : {}),
  };
}

const system = (id: string, name: string, schema: FieldSchema, readOnly = false): FieldDef => ({
  id,
  name,
  custom: false,
  schema,
  ...(readOnly ? { readOnly } : {}),
});

export const FIELDS: readonly FieldDef[] = [
  system('summary', 'Summary', { type: 'string', system: 'summary' }),
  system('issuetype', 'Issue Type', { type: 'issuetype', system: 'issuetype' }),
  system('project', 'Project', { type: 'project', system: 'project' }),
  system('description', 'Description', { type: 'string', system: 'description' }),
  system('environment', 'Environment', { type: 'string', system: 'environment' }),
  system('priority', 'Priority', { type: 'priority', system: 'priority' }),
  system('labels', 'Labels', { type: 'array', items: 'string', system: 'labels' }),
  system('reporter', 'Reporter', { type: 'user', system: 'reporter' }),
  system('assignee', 'Assignee', { type: 'user', system: 'assignee' }),
  system('duedate', 'Due date', { type: 'date', system: 'duedate' }),
  system('parent', 'Parent', { type: 'issuelink', system: 'parent' }),
  system('status', 'Status', { type: 'status', system: 'status' }, true),
  system('created', 'Created', { type: 'datetime', system: 'created' }, true),
  system('updated', 'Updated', { type: 'datetime', system: 'updated' }, true),
  system('creator', 'Creator', { type: 'user', system: 'creator' }, true),
  system('attachment', 'Attachment', { type: 'array', items: 'attachment', system: 'attachment' }, true),
  system('security', 'Security Level', { type: 'securitylevel', system: 'security' }),
  system('resolution', 'Resolution', { type: 'resolution', system: 'resolution' }, true),
  system('resolutiondate', 'Resolved', { type: 'datetime', system: 'resolutiondate' }, true),
  system('issuelinks', 'Linked Issues', { type: 'array', items: 'issuelinks', system: 'issuelinks' }, true),
  system('comment', 'Comment', { type: 'comments-page', system: 'comment' }, true),
  // Company-managed (global) custom fields, named as in Keeper's Jira ITSM documentation.
  customField(10050, 'Remote IP Address', 'string', 'textfield'),
  customField(10051, 'Event Category', 'option', 'select', {
    options: [
      [10100, 'Login'],
      [10101, 'BreachWatch'],
      [10102, 'Policy'],
      [10103, 'Sharing'],
      [10104, 'Account'],
      [10105, 'Security'],
      [10106, 'Other'],
    ],
  }),
  customField(10052, 'Security Event Type', 'string', 'textfield'),
  customField(10053, 'Device Name', 'string', 'textfield'),
  customField(10054, 'Alert Timestamp', 'datetime', 'datetime'),
  customField(10055, 'Alert Severity', 'option', 'select', {
    options: [
      [10110, 'Critical'],
      [10111, 'High'],
      [10112, 'Medium'],
      [10113, 'Low'],
    ],
  }),
  // One field of every other mappable type, on SEC Task only (for mapping tests).
  customField(10060, 'Analyst Notes', 'string', 'textarea'),
  customField(10061, 'Reference URL', 'string', 'url'),
  customField(10062, 'Risk Score', 'number', 'float'),
  customField(10063, 'Detection Date', 'date', 'datepicker'),
  customField(10064, 'Affected Products', 'array', 'multiselect', {
    items: 'option',
    options: [
      [10120, 'Vault'],
      [10121, 'Admin Console'],
      [10122, 'Browser Extension'],
      [10123, 'Commander'],
      [10124, 'Secrets Manager'],
    ],
  }),
  customField(10065, 'Response Checklist', 'array', 'multicheckboxes', {
    items: 'option',
    options: [
      [10130, 'Contained'],
      [10131, 'User notified'],
      [10132, 'Credentials rotated'],
    ],
  }),
  customField(10066, 'Containment Status', 'option', 'radiobuttons', {
    options: [
      [10140, 'Not started'],
      [10141, 'In progress'],
      [10142, 'Contained'],
    ],
  }),
  customField(10067, 'Keeper Tags', 'array', 'labels', { items: 'string' }),
  customField(10068, 'Security Owner', 'user', 'userpicker'),
  customField(10069, 'Watch Team', 'array', 'multiuserpicker', { items: 'user' }),
  // Team-managed OPS fields: same names, different ids, scoped to the project.
  customField(10100, 'Remote IP Address', 'string', 'textfield', { scopeProjectId: '10001' }),
  customField(10101, 'Event Category', 'option', 'select', {
    scopeProjectId: '10001',
    options: [
      [10200, 'Login'],
      [10201, 'BreachWatch'],
      [10202, 'Sharing'],
      [10203, 'Other'],
    ],
  }),
  customField(10102, 'Alert Severity', 'option', 'select', {
    scopeProjectId: '10001',
    options: [
      [10210, 'Critical'],
      [10211, 'High'],
      [10212, 'Medium'],
      [10213, 'Low'],
    ],
  }),
];

export interface ScreenField {
  readonly fieldId: string;
  readonly required: boolean;
}

export interface ProjectDef {
  readonly id: string;
  readonly key: string;
  readonly name: string;
  readonly style: 'classic' | 'next-gen';
  readonly simplified: boolean;
  readonly uuid: string;
  readonly leadAccountId: string;
  readonly issueTypeIds: readonly string[];
  /** Issue type id → create screen (company-managed) or field layout (team-managed). */
  readonly screens: Readonly<Record<string, readonly ScreenField[]>>;
  readonly workflow: WorkflowDef;
  /** The project's issue security scheme; absent when it has none. */
  readonly securityScheme?: SecuritySchemeDef;
}

export type StatusCategoryKey = 'new' | 'indeterminate' | 'done';

export interface StatusCategoryDef {
  readonly id: number;
  readonly key: StatusCategoryKey;
  readonly name: string;
  readonly colorName: string;
}

/** Jira's three status categories (ids and colours as Jira Cloud answers them). */
export const STATUS_CATEGORIES: Readonly<Record<StatusCategoryKey, StatusCategoryDef>> = {
  new: { id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray' },
  indeterminate: { id: 4, key: 'indeterminate', name: 'In Progress', colorName: 'yellow' },
  done: { id: 3, key: 'done', name: 'Done', colorName: 'green' },
};

export interface StatusDef {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly category: StatusCategoryKey;
  /** Team-managed statuses belong to one project. */
  readonly scopeProjectId?: string;
}

export interface TransitionDef {
  /** A string of digits, like Jira's workflow action ids. */
  readonly id: string;
  readonly name: string;
  /** Target status id. */
  readonly to: string;
  /** Status ids the transition starts from; `any` is a global ("any status") transition. */
  readonly from: readonly string[] | 'any';
  /** Resolution id set by the transition's post function when it reaches a done status. */
  readonly resolution?: string;
}

export interface WorkflowDef {
  readonly statuses: readonly StatusDef[];
  /** Status of a new issue. */
  readonly initial: string;
  readonly transitions: readonly TransitionDef[];
}

export interface ResolutionDef {
  readonly id: string;
  readonly name: string;
  readonly description: string;
}

/** Jira Cloud's default resolutions. */
export const RESOLUTIONS: readonly ResolutionDef[] = [
  { id: '10000', name: 'Done', description: 'Work has taken place and no further action is needed.' },
  { id: '10001', name: "Won't Do", description: 'No work has taken place and no further action is needed.' },
  { id: '10002', name: 'Duplicate', description: 'The problem is a duplicate of an existing issue.' },
  {
    id: '10003',
    name: 'Cannot Reproduce',
    description: 'This issue could not be reproduced at this time, or not enough information was available.',
  },
];
const RESOLUTION_DONE = '10000';
const RESOLUTION_WONT_DO = '10001';

export interface IssueLinkTypeDef {
  readonly id: string;
  readonly name: string;
  readonly inward: string;
  readonly outward: string;
}

/** The link types every Jira Cloud site starts with. */
export const ISSUE_LINK_TYPES: readonly IssueLinkTypeDef[] = [
  { id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
  { id: '10001', name: 'Cloners', inward: 'is cloned by', outward: 'clones' },
  { id: '10002', name: 'Duplicate', inward: 'is duplicated by', outward: 'duplicates' },
  { id: '10003', name: 'Relates', inward: 'relates to', outward: 'relates to' },
];

export interface SecurityLevelDef {
  readonly id: string;
  readonly name: string;
  readonly description: string;
}

export interface SecuritySchemeDef {
  readonly id: string;
  readonly name: string;
  readonly levels: readonly SecurityLevelDef[];
}

const SEC_STATUS = { toDo: '10000', inProgress: '3', done: '10001' } as const;
const OPS_STATUS = { toDo: '10010', inProgress: '10011', done: '10012' } as const;

/** Company-managed: a classic workflow whose transitions depend on the current status. */
const SEC_WORKFLOW: WorkflowDef = {
  statuses: [
    { id: SEC_STATUS.toDo, name: 'To Do', description: 'Work that has not been started.', category: 'new' },
    {
      id: SEC_STATUS.inProgress,
      name: 'In Progress',
      description: 'This issue is being actively worked on at the moment by the assignee.',
      category: 'indeterminate',
    },
    { id: SEC_STATUS.done, name: 'Done', description: 'Work that has been completed.', category: 'done' },
  ],
  initial: SEC_STATUS.toDo,
  transitions: [
    { id: '11', name: 'Stop progress', from: [SEC_STATUS.inProgress], to: SEC_STATUS.toDo },
    { id: '21', name: 'Start progress', from: [SEC_STATUS.toDo], to: SEC_STATUS.inProgress },
    {
      id: '31',
      name: 'Done',
      from: [SEC_STATUS.toDo, SEC_STATUS.inProgress],
      to: SEC_STATUS.done,
      resolution: RESOLUTION_DONE,
    },
    {
      id: '41',
      name: "Won't do",
      from: [SEC_STATUS.toDo, SEC_STATUS.inProgress],
      to: SEC_STATUS.done,
      resolution: RESOLUTION_WONT_DO,
    },
    { id: '51', name: 'Reopen', from: [SEC_STATUS.done], to: SEC_STATUS.toDo },
  ],
};

/** Team-managed: project-scoped statuses, each reachable from any other ("any status" transitions). */
const OPS_WORKFLOW: WorkflowDef = {
  statuses: [
    { id: OPS_STATUS.toDo, name: 'To Do', description: '', category: 'new', scopeProjectId: '10001' },
    {
      id: OPS_STATUS.inProgress,
      name: 'In Progress',
      description: '',
      category: 'indeterminate',
      scopeProjectId: '10001',
    },
    { id: OPS_STATUS.done, name: 'Done', description: '', category: 'done', scopeProjectId: '10001' },
  ],
  initial: OPS_STATUS.toDo,
  transitions: [
    { id: '11', name: 'To Do', from: 'any', to: OPS_STATUS.toDo },
    { id: '21', name: 'In Progress', from: 'any', to: OPS_STATUS.inProgress },
    { id: '31', name: 'Done', from: 'any', to: OPS_STATUS.done, resolution: RESOLUTION_DONE },
  ],
};

const SEC_SECURITY: SecuritySchemeDef = {
  id: '10000',
  name: 'SEC security',
  levels: [
    { id: '10100', name: 'Internal', description: 'Everyone working in Security Operations.' },
    { id: '10101', name: 'Security team only', description: 'Only the security team can see this issue.' },
  ],
};

const f = (fieldId: string, required = false): ScreenField => ({ fieldId, required });
const SEC_BASE = [
  f('summary', true),
  f('issuetype', true),
  f('project', true),
  f('description'),
  f('priority'),
  f('labels'),
  f('reporter', true),
  f('assignee'),
  // Settable only by users with Set Issue Security (createmeta leaves it out for the others).
  f('security'),
];
const KEEPER_FIELDS = [
  'customfield_10050',
  'customfield_10051',
  'customfield_10052',
  'customfield_10053',
  'customfield_10054',
];
const ALL_TYPE_FIELDS = [
  'customfield_10060',
  'customfield_10061',
  'customfield_10062',
  'customfield_10063',
  'customfield_10064',
  'customfield_10065',
  'customfield_10066',
  'customfield_10067',
  'customfield_10068',
  'customfield_10069',
];
const OPS_BASE = [
  f('summary', true),
  f('issuetype', true),
  f('project', true),
  f('description'),
  f('labels'),
  f('assignee'),
];

export const PROJECTS: readonly ProjectDef[] = [
  {
    id: '10000',
    key: 'SEC',
    name: 'Security Operations',
    style: 'classic',
    simplified: false,
    uuid: '0d3c7a52-35f1-4a8e-9b1d-6a1f2c3b4d50',
    leadAccountId: '712020:a11ce000-0000-4000-8000-000000000001',
    issueTypeIds: ['10001', '10005', '10004', '10002', '10003'],
    screens: {
      // Task: everything optional except the system basics, so Keeper's seed alert is creatable as a Task.
      '10001': [
        ...SEC_BASE,
        f('environment'),
        f('duedate'),
        ...KEEPER_FIELDS.map((id) => f(id)),
        f('customfield_10055'),
        ...ALL_TYPE_FIELDS.map((id) => f(id)),
      ],
      // Incident: the analysts' triage needs a severity, so the screen makes it required.
      '10005': [...SEC_BASE, f('environment'), ...KEEPER_FIELDS.map((id) => f(id)), f('customfield_10055', true)],
      '10004': [...SEC_BASE, f('environment'), f('customfield_10050')],
      '10002': [...SEC_BASE],
      '10003': [...SEC_BASE, f('parent', true)],
    },
    workflow: SEC_WORKFLOW,
    securityScheme: SEC_SECURITY,
  },
  {
    id: '10001',
    key: 'OPS',
    name: 'Ops Team',
    style: 'next-gen',
    simplified: true,
    uuid: '5e8b1f63-7c2d-4e9a-8b3f-1a2b3c4d5e60',
    leadAccountId: '712020:9a7a0000-0000-4000-8000-000000000002',
    issueTypeIds: ['10010', '10011', '10012'],
    screens: {
      // Team-managed: no Priority and no Reporter in the layouts (both "cannot be set").
      '10010': [...OPS_BASE, f('customfield_10100'), f('customfield_10101')],
      '10011': [...OPS_BASE, f('customfield_10100'), f('customfield_10101'), f('customfield_10102')],
      '10012': [...OPS_BASE, f('parent', true)],
    },
    workflow: OPS_WORKFLOW,
  },
];
