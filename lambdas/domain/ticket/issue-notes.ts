/**
 * Panels at the top of a ticket's description that say how the relay's rules shaped it
 * (docs/ticket-format.md, "Rules in the ticket"): the first issue of a group, a storm issue, a
 * redacted alert, an issue that follows a resolved one. Each is bounded in size, so the
 * description's budget stays with the alert itself.
 */
import { type AdfPanel, bulletList, code, type InlineInput, panel, paragraph, strong } from './adf.ts';
import { JIRA_SHORT_TEXT_MAX, singleLine, truncate } from './text.ts';

/** How many key fields, or redacted paths, a note lists before "and N more". */
const LISTED_MAX = 10;

/** A group's identity as notes and comments show it: its key paths and this group's values. */
export type GroupKeyValues = Readonly<Record<string, string>>;

/** The first issue of a group (BuildContext `group`). */
export interface GroupNote {
  /** Key path → value (empty when the alert has no value), as `groupOf` gives it. */
  readonly key: GroupKeyValues;
  readonly windowMinutes: number;
  readonly ruleName?: string;
}

/** A storm issue (BuildContext `storm`). */
export interface StormNote {
  readonly ruleName: string;
  /** The hour the storm issue stands for, as `hourOf` writes it (`2026-11-26T13`, UTC). */
  readonly hour: string;
  /** New issues per hour the rule may open (its `stormCap`). */
  readonly cap: number;
}

/** An issue opened because the group's previous issue is done and may not be reopened. */
export interface FollowUp {
  /** The done issue this one follows (linked to it). */
  readonly previousKey: string;
  /**
   * `wont-do`: resolved with a won't-do resolution; `reopen-window-passed`: resolved too long ago;
   * `no-reopen`: done, and its workflow offers no transition back to work; `window`: still open, but
   * the repeat came after the grouping window; `issue-gone`: deleted or no longer visible;
   * `opener-failed`: the group's first alert could not create it.
   */
  readonly reason: 'wont-do' | 'reopen-window-passed' | 'no-reopen' | 'window' | 'issue-gone' | 'opener-failed';
  /** The previous issue's resolution name, e.g. `Won't Do`. */
  readonly resolution?: string;
  /** ISO time the previous issue was resolved. */
  readonly resolvedAt?: string;
  /** The rule's reopen window, for `reopen-window-passed`. */
  readonly reopenWindowHours?: number;
  readonly key?: GroupKeyValues;
}

/** What redaction did to this alert (BuildContext `decision.redact`). */
export interface RedactionNote {
  readonly paths: readonly string[];
  readonly ruleName?: string;
  /** Days the relay's ledger keeps the original body (0: not kept). */
  readonly retentionDays: number;
  /** Set when paths were listed but the body has none (not a JSON object). */
  readonly skipped?: string;
  /** Listed paths, when `skipped`. */
  readonly listed?: readonly string[];
}

/** "the same `audit_event` login_failure and `username` alice" — the key values in a sentence. */
export function keySentence(key: GroupKeyValues): InlineInput[] {
  const entries = Object.entries(key);
  if (entries.length === 0) return ['the same alert'];
  const parts: InlineInput[] = ['the same '];
  entries.slice(0, LISTED_MAX).forEach(([path, value], index) => {
    if (index > 0) parts.push(index === Math.min(entries.length, LISTED_MAX) - 1 ? ' and ' : ', ');
    parts.push(code(truncate(path, 100)), ` ${shown(value)}`);
  });
  if (entries.length > LISTED_MAX) parts.push(` (and ${entries.length - LISTED_MAX} more fields)`);
  return parts;
}

/** The note of a group's first issue: repeats arrive as comments, not as new issues. */
export function groupedIssueNote(group: GroupNote): AdfPanel {
  return panel(
    'info',
    paragraph(
      strong('Grouped alerts.'),
      ' Later alerts with ',
      ...keySentence(group.key),
      ` that arrive within ${duration(group.windowMinutes)} of the previous one are added to this issue as comments with an occurrence count, instead of opening new issues`,
      group.ruleName === undefined ? '.' : ` (rule “${ruleLabel(group.ruleName)}”).`,
    ),
  );
}

/** The note of a storm issue: the rule reached its cap of new issues for the hour. */
export function stormIssueNote(storm: StormNote): AdfPanel {
  return panel(
    'warning',
    paragraph(
      strong('Alert storm.'),
      ` Rule “${ruleLabel(storm.ruleName)}” opened its limit of ${storm.cap} new ${storm.cap === 1 ? 'issue' : 'issues'} in the hour from ${storm.hour}:00 UTC. Until the hour ends, its further alerts are counted on this issue, with their bodies in comments, instead of opening more issues. The alert that started the storm is described below.`,
    ),
  );
}

/** The note of a redacted alert: which paths read `[redacted]`, and how long the original is kept. */
export function redactionNote(note: RedactionNote): AdfPanel | undefined {
  const by = note.ruleName === undefined ? 'A rule' : `Rule “${ruleLabel(note.ruleName)}”`;
  if (note.skipped !== undefined) {
    return panel(
      'warning',
      paragraph(
        strong('Not redacted.'),
        ` ${by} asks to redact `,
        ...pathList(note.listed ?? []),
        `, but ${note.skipped}.`,
      ),
    );
  }
  if (note.paths.length === 0) return undefined;
  const kept =
    note.retentionDays > 0
      ? ` The relay’s ledger keeps the original body for ${note.retentionDays} ${note.retentionDays === 1 ? 'day' : 'days'}.`
      : ' The relay does not keep the original body.';
  return panel(
    'note',
    paragraph(
      strong('Redacted.'),
      ` ${by} hides `,
      ...pathList(note.paths),
      `: ${note.paths.length === 1 ? 'it reads' : 'they read'} [redacted] everywhere in this ticket, raw payload and attached file included.${kept}`,
    ),
  );
}

/**
 * The note of an issue that follows a done one of the same group instead of reopening it: why
 * (a won't-do resolution, or resolved longer ago than the reopen window) and which issue.
 */
export function linkedFollowUpNote(followUp: FollowUp): AdfPanel {
  const when = followUp.resolvedAt === undefined ? '' : ` on ${followUp.resolvedAt}`;
  const why = followUpWhy(followUp, when);
  return panel(
    'info',
    paragraph(
      strong(`Follows ${truncate(followUp.previousKey, 100)}.`),
      ' The previous issue for ',
      ...(followUp.key === undefined ? ['this alert'] : keySentence(followUp.key)),
      ', ',
      code(truncate(followUp.previousKey, 100)),
      why,
      ' The two issues are linked.',
    ),
  );
}

function followUpWhy(followUp: FollowUp, when: string): string {
  switch (followUp.reason) {
    case 'wont-do':
      return ` was resolved as “${truncate(singleLine(followUp.resolution ?? 'Won’t Do'), 100)}”${when}, so a repeat is not reopened there.`;
    case 'reopen-window-passed':
      return ` was resolved${when}, longer ago than ${followUp.reopenWindowHours === undefined ? 'the reopen window' : `the reopen window of ${duration(followUp.reopenWindowHours * 60)}`}, so a repeat opens a new issue.`;
    case 'no-reopen':
      return ' is done and its workflow offers the relay no transition back to work, so a repeat opens a new issue.';
    case 'window':
      return ' had no new alert for longer than the grouping window, so this repeat starts a new incident.';
    case 'issue-gone':
      return ' no longer exists or is no longer visible to the relay, so a repeat opens a new issue.';
    case 'opener-failed':
      return ' could not be created (Jira refused it; see the relay’s Deliveries), so this repeat opens the issue instead.';
  }
}

/** A duration in minutes as people say it: `45 minutes`, `1 hour`, `36 hours`, `2 days`. */
export function duration(minutes: number): string {
  if (minutes % (24 * 60) === 0 && minutes >= 2 * 24 * 60) return `${minutes / (24 * 60)} days`;
  if (minutes % 60 === 0) return minutes === 60 ? '1 hour' : `${minutes / 60} hours`;
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

function pathList(paths: readonly string[]): InlineInput[] {
  const parts: InlineInput[] = [];
  paths.slice(0, LISTED_MAX).forEach((path, index) => {
    if (index > 0) parts.push(', ');
    parts.push(code(truncate(path, 100)));
  });
  if (paths.length > LISTED_MAX) parts.push(` and ${paths.length - LISTED_MAX} more`);
  return parts;
}

function ruleLabel(name: string): string {
  return truncate(singleLine(name), 120);
}

function shown(value: string): string {
  return value === '' ? '(not in alert)' : truncate(singleLine(value), JIRA_SHORT_TEXT_MAX);
}

/** A bullet list of key values, for comments that show them one per line. */
export function keyList(key: GroupKeyValues) {
  return bulletList(
    Object.entries(key)
      .slice(0, LISTED_MAX)
      .map(([path, value]) => [code(truncate(path, 100)), `: ${shown(value)}`]),
  );
}
