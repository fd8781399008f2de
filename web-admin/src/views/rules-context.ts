/**
 * What the parts of the Rules tab share: the catalogues and Jira lists they offer, and how a
 * control says where its problems go (by configuration path, as the server names them).
 */
import type {
  AssignableUserDto,
  ConfigDto,
  EventDto,
  IssueTypeDto,
  KeeperFieldDto,
  PriorityDto,
  ProjectDto,
  SecurityLevelDto,
} from '#shared/admin-api-types.ts';
import type { SummaryNames } from '../rule-summary.ts';

export interface RulesEditorContext {
  config: ConfigDto;
  events: readonly EventDto[];
  categories: readonly string[];
  keeperFields: readonly KeeperFieldDto[];
  /** Priorities and issue types of the default project. */
  priorities: readonly PriorityDto[];
  issueTypes: readonly IssueTypeDto[];
  /** Loaded when first asked for, then kept for the tab's lifetime. */
  projects(): Promise<ProjectDto[]>;
  issueTypesOf(projectKey: string): Promise<IssueTypeDto[]>;
  prioritiesOf(projectKey: string): Promise<PriorityDto[]>;
  securityLevelsOf(projectKey: string): Promise<SecurityLevelDto[]>;
  /** Asked anew for every search: what was typed, among the people assignable in the project. */
  assignableUsers(projectKey: string, query: string): Promise<AssignableUserDto[]>;
  names: SummaryNames;
}

/** A place that shows the problems whose path is `path` or below it. */
export interface ErrorTarget {
  path: string;
  show(messages: readonly string[]): void;
  /** The control to focus when the first problem is here. */
  focus?(): void;
}
