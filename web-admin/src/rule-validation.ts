/**
 * The checks the Rules tab makes before saving or previewing, in an administrator's words, each
 * with the configuration path of the control at fault (`rules.2.when.clauses.0.values`), the same
 * paths the server's problems use, so both land next to the same control. The server checks
 * everything again; these catch typing mistakes without a round trip. Pure: no DOM.
 */
import type { ValidationProblemDto } from '#shared/admin-api-types.ts';
import type { ClauseDraft, LeafClauseDraft, RuleDraft, SettingsDraft } from './rule-draft.ts';
import { RULE_ID_PATTERN } from './rule-draft.ts';

/** The limits of `lambdas/domain/relay-config.ts` and `rule-conditions.ts`, repeated for the forms. */
export const LIMITS = {
  nameChars: 120,
  patternChars: 500,
  windowMinutes: { min: 1, max: 7 * 24 * 60 },
  commentIntervalSeconds: { min: 10, max: 3600 },
  reopenWindowHours: { min: 0, max: 24 * 90 },
  escalationOccurrences: { min: 2, max: 100_000 },
  escalationWithinMinutes: { min: 1, max: 24 * 60 },
  stormCap: { min: 1, max: 100_000 },
  redactionRetentionDays: { min: 0, max: 365 },
} as const;

/** Why `text` is not a whole number within the range, or undefined when it is. */
export function wholeNumberProblem(text: string, range: { min: number; max: number }): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return `Enter a whole number from ${range.min} to ${range.max}.`;
  if (!/^-?\d+$/.test(trimmed))
    return `“${trimmed}” is not a whole number; enter one from ${range.min} to ${range.max}.`;
  const value = Number(trimmed);
  if (value < range.min || value > range.max) return `Enter a number from ${range.min} to ${range.max}.`;
  return undefined;
}

/** Why a pattern cannot be used, compiled as the relay compiles it (whole value, Unicode). */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.length > LIMITS.patternChars)
    return `The pattern is longer than ${LIMITS.patternChars} characters; shorten it.`;
  try {
    new RegExp(`^(?:${pattern})$`, 'u');
    return undefined;
  } catch {
    return `“${pattern}” is not a valid pattern (regular expression). Check brackets, parentheses and backslashes.`;
  }
}

function ipv4Valid(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((part) => /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255);
}

function ipv6Valid(text: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return false;
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string | undefined): string[] => (part === undefined || part === '' ? [] : part.split(':'));
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const all = [...head, ...tail];
  let count = all.length;
  const last = all[all.length - 1];
  if (last?.includes('.')) {
    // A trailing dotted IPv4 part stands for two groups.
    if (!ipv4Valid(last)) return false;
    all.pop();
    count += 1;
  }
  if (!all.every((group) => /^[0-9a-fA-F]{1,4}$/.test(group))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** The address width of an IPv4 or IPv6 address, or undefined when `text` is neither. */
export function addressWidth(text: string): 32 | 128 | undefined {
  if (ipv4Valid(text)) return 32;
  if (ipv6Valid(text)) return 128;
  return undefined;
}

/** Why `range` is not a CIDR range (`10.0.0.0/8`, `2001:db8::/32`, or a bare address), or undefined. */
export function cidrProblem(range: string): string | undefined {
  const text = range.trim();
  const [address = '', prefix, extra] = text.split('/');
  const width = addressWidth(address);
  const message = `“${text}” is not an IP range. Write it as an address and a prefix length, e.g. 10.0.0.0/8 or 2001:db8::/32.`;
  if (width === undefined || extra !== undefined) return message;
  if (prefix === undefined) return undefined;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > width)
    return `The prefix length of “${text}” must be from 0 to ${width}.`;
  return undefined;
}

function leafProblems(clause: LeafClauseDraft, path: string): ValidationProblemDto[] {
  const problems: ValidationProblemDto[] = [];
  if (clause.kind === 'event') {
    if (clause.in.length === 0) problems.push({ path: `${path}.in`, message: 'Choose at least one event.' });
    return problems;
  }
  if (clause.kind === 'category') {
    if (clause.in.length === 0) problems.push({ path: `${path}.in`, message: 'Choose at least one category.' });
    return problems;
  }
  if (clause.path.trim() === '') problems.push({ path: `${path}.path`, message: 'Choose the payload field to test.' });
  if (clause.values.length === 0) {
    problems.push({
      path: `${path}.values`,
      message:
        clause.op === 'cidr'
          ? 'Enter at least one IP range.'
          : clause.op === 'matches'
            ? 'Enter a pattern.'
            : 'Enter at least one value.',
    });
  } else if (clause.op === 'equals' && clause.values.length > 1) {
    problems.push({
      path: `${path}.values`,
      message: '“Equals” compares with one value; choose “is in list” to compare with several.',
    });
  }
  for (const value of clause.values) {
    const problem =
      clause.op === 'matches' ? patternProblem(value) : clause.op === 'cidr' ? cidrProblem(value) : undefined;
    if (problem) problems.push({ path: `${path}.values`, message: problem });
  }
  return problems;
}

function clauseProblems(clause: ClauseDraft, path: string): ValidationProblemDto[] {
  if (clause.kind !== 'group') return leafProblems(clause, path);
  if (clause.clauses.length === 0)
    return [{ path: `${path}.clauses`, message: 'Add a condition to the group, or remove the group.' }];
  return clause.clauses.flatMap((inner, index) => leafProblems(inner, `${path}.clauses.${index}`));
}

function numberProblem(text: string, range: { min: number; max: number }, path: string): ValidationProblemDto[] {
  const message = wholeNumberProblem(text, range);
  return message ? [{ path, message }] : [];
}

/** Every problem of one rule at position `index`. */
export function ruleProblems(rule: RuleDraft, index: number): ValidationProblemDto[] {
  const base = `rules.${index}`;
  const problems: ValidationProblemDto[] = [];
  const name = rule.name.trim();
  if (name === '') problems.push({ path: `${base}.name`, message: 'Give the rule a name.' });
  else if (name.length > LIMITS.nameChars)
    problems.push({ path: `${base}.name`, message: `Shorten the name to ${LIMITS.nameChars} characters or fewer.` });
  if (!RULE_ID_PATTERN.test(rule.id))
    problems.push({ path: `${base}.id`, message: 'The rule’s id is damaged; duplicate the rule and delete this one.' });
  if (rule.when.clauses.length === 0)
    problems.push({ path: `${base}.when.clauses`, message: 'Add at least one condition.' });
  rule.when.clauses.forEach((clause, i) => {
    problems.push(...clauseProblems(clause, `${base}.when.clauses.${i}`));
  });

  const a = rule.actions;
  if (a.suppress) return problems;
  const actions = `${base}.actions`;
  if (a.projectKey && !a.issueTypeId)
    problems.push({ path: `${actions}.route.issueTypeId`, message: `Choose an issue type of ${a.projectKey}.` });
  const spaced = a.labels.filter((label) => /\s/.test(label));
  if (spaced.length > 0)
    problems.push({
      path: `${actions}.labels`,
      message: `Jira labels cannot contain spaces: ${spaced.map((l) => `“${l}”`).join(', ')}.`,
    });
  if (a.grouping.on) {
    const g = `${actions}.grouping`;
    if (a.grouping.key.length === 0)
      problems.push({ path: `${g}.key`, message: 'Choose at least one field whose values make the group.' });
    problems.push(...numberProblem(a.grouping.windowMinutes, LIMITS.windowMinutes, `${g}.windowMinutes`));
    problems.push(
      ...numberProblem(a.grouping.commentIntervalSeconds, LIMITS.commentIntervalSeconds, `${g}.commentIntervalSeconds`),
    );
    problems.push(...numberProblem(a.grouping.reopenWindowHours, LIMITS.reopenWindowHours, `${g}.reopenWindowHours`));
  }
  if (a.escalation.on) {
    const e = `${actions}.escalation`;
    if (!a.grouping.on)
      problems.push({
        path: e,
        message: 'Escalation raises the priority of a group’s issue: turn on grouping too, or turn escalation off.',
      });
    problems.push(...numberProblem(a.escalation.occurrences, LIMITS.escalationOccurrences, `${e}.occurrences`));
    problems.push(...numberProblem(a.escalation.withinMinutes, LIMITS.escalationWithinMinutes, `${e}.withinMinutes`));
    if (!a.escalation.priorityId)
      problems.push({ path: `${e}.priorityId`, message: 'Choose the priority to raise the issue to.' });
  }
  if (a.stormCap.on) problems.push(...numberProblem(a.stormCap.perHour, LIMITS.stormCap, `${actions}.stormCap`));
  return problems;
}

/** Problems of the grouping settings (counter-event pairs, retention). */
export function settingsProblems(settings: SettingsDraft): ValidationProblemDto[] {
  const problems: ValidationProblemDto[] = [];
  settings.counterEvents.forEach((pair, index) => {
    const base = `counterEvents.${index}`;
    if (pair.open.trim() === '') problems.push({ path: `${base}.open`, message: 'Choose the event that opens.' });
    if (pair.close.trim() === '') problems.push({ path: `${base}.close`, message: 'Choose the event that closes.' });
    if (pair.open.trim() !== '' && pair.open.trim() === pair.close.trim())
      problems.push({ path: `${base}.close`, message: 'The closing event must differ from the opening one.' });
  });
  problems.push(
    ...numberProblem(settings.redactionRetentionDays, LIMITS.redactionRetentionDays, 'redactionRetentionDays'),
  );
  return problems;
}

/** Every client-side problem of the tab, rules first. */
export function rulesTabProblems(rules: readonly RuleDraft[], settings: SettingsDraft): ValidationProblemDto[] {
  const problems = rules.flatMap((rule, index) => ruleProblems(rule, index));
  const seen = new Map<string, number>();
  rules.forEach((rule, index) => {
    const first = seen.get(rule.id);
    if (first === undefined) seen.set(rule.id, index);
    else
      problems.push({
        path: `rules.${index}.id`,
        message: `This rule has the same id as rule ${first + 1}; duplicate it and delete this one.`,
      });
  });
  return [...problems, ...settingsProblems(settings)];
}

/**
 * Where a problem is, in words, for the summary above the form: `Rule 2 “Failed logins”`,
 * `Counter-event pair 3`, … (the control itself is marked in place).
 */
export function problemPlace(path: string, rules: readonly Pick<RuleDraft, 'name'>[]): string {
  const normalized = path.replace(/\[(\d+)\]/g, '.$1');
  const rule = /^rules\.(\d+)(?:\.|$)/.exec(normalized);
  if (rule) {
    const index = Number(rule[1]);
    const name = rules[index]?.name.trim();
    return name ? `Rule ${index + 1} “${name}”` : `Rule ${index + 1}`;
  }
  const pair = /^counterEvents\.(\d+)(?:\.|$)/.exec(normalized);
  if (pair) return `Counter-event pair ${Number(pair[1]) + 1}`;
  if (normalized.startsWith('counterEvents')) return 'Counter-event pairs';
  if (normalized.startsWith('wontDoResolutions')) return 'Resolved issues';
  if (normalized.startsWith('groupFields')) return 'Group fields';
  if (normalized.startsWith('redactionRetentionDays')) return 'Redacted alerts';
  if (normalized.startsWith('rules')) return 'Rules';
  return 'Configuration';
}
