/**
 * A small JQL subset: enough for the relay (`project = "SEC" AND labels = "keeper-alert-…"`) and for
 * people poking at the stand-in. Clauses: project, labels, issuetype/type, key/issuekey/id, status,
 * statusCategory, resolution, priority, reporter/assignee/creator (accountId or currentUser()), summary/text `~`; operators
 * =, !=, IN, NOT IN, ~, !~, IS [NOT] EMPTY; AND, OR, NOT, parentheses; ORDER BY key|created|updated|priority|summary.
 * Errors use Jira's texts; an empty restriction is "unbounded" and refused like Jira Cloud does.
 */
import { adfToText } from './adf.ts';
import { isRecord } from './http.ts';
import { findProject } from './representations.ts';
import { PRIORITIES, PROJECTS, type ProjectDef } from './seed.ts';
import type { StoredIssue } from './state.ts';

export class JqlError extends Error {}

export const UNBOUNDED_JQL =
  'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.';

type Token = { kind: 'word' | 'string' | 'op' | 'lparen' | 'rparen' | 'comma'; text: string; pos: number };

type Expr =
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; expr: Expr }
  | { kind: 'clause'; field: string; op: string; values: string[] };

export interface OrderBy {
  readonly field: string;
  readonly descending: boolean;
}

export interface ParsedJql {
  readonly where?: Expr;
  readonly orderBy: readonly OrderBy[];
}

const FIELDS = new Set([
  'project',
  'labels',
  'issuetype',
  'type',
  'key',
  'issuekey',
  'id',
  'status',
  'statuscategory',
  'resolution',
  'priority',
  'reporter',
  'assignee',
  'creator',
  'summary',
  'text',
  'created',
  'updated',
]);
const ORDERABLE = new Set(['key', 'issuekey', 'id', 'created', 'updated', 'priority', 'summary']);

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const c = jql.charAt(i);
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    if (c === '(') {
      tokens.push({ kind: 'lparen', text: c, pos: i });
      i += 1;
      continue;
    }
    if (c === ')') {
      tokens.push({ kind: 'rparen', text: c, pos: i });
      i += 1;
      continue;
    }
    if (c === ',') {
      tokens.push({ kind: 'comma', text: c, pos: i });
      i += 1;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let text = '';
      while (j < jql.length && jql.charAt(j) !== c) {
        if (jql.charAt(j) === '\\' && j + 1 < jql.length) j += 1;
        text += jql.charAt(j);
        j += 1;
      }
      if (j >= jql.length)
        throw new JqlError(
          `Error in the JQL Query: The quoted string '${text}' has not been completed. (line 1, character ${i + 1})`,
        );
      tokens.push({ kind: 'string', text, pos: i });
      i = j + 1;
      continue;
    }
    const op = /^(!=|!~|>=|<=|=|~|>|<)/.exec(jql.slice(i));
    if (op) {
      tokens.push({ kind: 'op', text: op[0], pos: i });
      i += op[0].length;
      continue;
    }
    const word = /^[^\s()",'=!~<>]+/.exec(jql.slice(i));
    if (!word)
      throw new JqlError(
        `Error in the JQL Query: The character '${c}' is a reserved JQL character. (line 1, character ${i + 1})`,
      );
    tokens.push({ kind: 'word', text: word[0], pos: i });
    i += word[0].length;
  }
  return tokens;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }
  private next(): Token | undefined {
    const t = this.tokens[this.i];
    this.i += 1;
    return t;
  }
  private isWord(t: Token | undefined, ...words: string[]): boolean {
    return t?.kind === 'word' && words.includes(t.text.toUpperCase());
  }
  private fail(expected: string): never {
    const t = this.peek();
    const got = t ? `'${t.text}'` : 'the end of the query';
    throw new JqlError(
      `Error in the JQL Query: Expecting ${expected} but got ${got}. (line 1, character ${(t?.pos ?? 0) + 1})`,
    );
  }

  parse(): ParsedJql {
    let where: Expr | undefined;
    if (this.peek() && !this.isWord(this.peek(), 'ORDER')) where = this.or();
    const orderBy: OrderBy[] = [];
    if (this.isWord(this.peek(), 'ORDER')) {
      this.next();
      if (!this.isWord(this.next(), 'BY')) this.fail("'by'");
      do {
        const field = this.next();
        if (!field || (field.kind !== 'word' && field.kind !== 'string')) this.fail('a field name');
        const name = field.text.toLowerCase();
        if (!ORDERABLE.has(name))
          throw new JqlError(`Field '${field.text}' does not exist or you do not have permission to view it.`);
        let descending = false;
        if (this.isWord(this.peek(), 'ASC', 'DESC')) descending = this.next()?.text.toUpperCase() === 'DESC';
        orderBy.push({ field: name, descending });
      } while (this.peek()?.kind === 'comma' && this.next());
      if (orderBy.length > 7) throw new JqlError('The ORDER BY clause may contain at most 7 fields.');
    }
    if (this.peek()) this.fail("'AND', 'OR' or 'ORDER BY'");
    return { ...(where ? { where } : {}), orderBy };
  }

  private or(): Expr {
    let left = this.and();
    while (this.isWord(this.peek(), 'OR')) {
      this.next();
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Expr {
    let left = this.unary();
    while (this.isWord(this.peek(), 'AND')) {
      this.next();
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): Expr {
    if (this.isWord(this.peek(), 'NOT')) {
      this.next();
      return { kind: 'not', expr: this.unary() };
    }
    if (this.peek()?.kind === 'lparen') {
      this.next();
      const inner = this.or();
      if (this.next()?.kind !== 'rparen') this.fail("')'");
      return inner;
    }
    return this.clause();
  }

  private value(): string {
    const t = this.next();
    if (!t || (t.kind !== 'word' && t.kind !== 'string')) {
      this.i -= 1;
      this.fail('either a value, list or function');
    }
    if (t.kind === 'word' && this.peek()?.kind === 'lparen') {
      // Functions: only currentUser() is meaningful here.
      this.next();
      if (this.next()?.kind !== 'rparen') this.fail("')'");
      if (t.text.toLowerCase() !== 'currentuser') throw new JqlError(`Unable to find JQL function '${t.text}()'.`);
      return 'currentUser()';
    }
    return t.text;
  }

  private clause(): Expr {
    const fieldToken = this.next();
    if (!fieldToken || (fieldToken.kind !== 'word' && fieldToken.kind !== 'string')) {
      this.i -= 1;
      this.fail('a field name');
    }
    const field = fieldToken.text.toLowerCase();
    if (!FIELDS.has(field))
      throw new JqlError(`Field '${fieldToken.text}' does not exist or you do not have permission to view it.`);
    const opToken = this.peek();
    let op: string;
    if (opToken?.kind === 'op') {
      this.next();
      op = opToken.text;
    } else if (this.isWord(opToken, 'IN')) {
      this.next();
      op = 'in';
    } else if (this.isWord(opToken, 'NOT') && this.isWord(this.tokens[this.i + 1], 'IN')) {
      this.i += 2;
      op = 'not in';
    } else if (this.isWord(opToken, 'IS')) {
      this.next();
      op = 'is';
      if (this.isWord(this.peek(), 'NOT')) {
        this.next();
        op = 'is not';
      }
      if (!this.isWord(this.next(), 'EMPTY', 'NULL')) this.fail("'EMPTY'");
      return { kind: 'clause', field, op, values: [] };
    } else this.fail('operator');
    if (op === 'in' || op === 'not in') {
      if (this.next()?.kind !== 'lparen') this.fail("'('");
      const values = [this.value()];
      while (this.peek()?.kind === 'comma') {
        this.next();
        values.push(this.value());
      }
      if (this.next()?.kind !== 'rparen') this.fail("')'");
      return { kind: 'clause', field, op, values };
    }
    return { kind: 'clause', field, op, values: [this.value()] };
  }
}

export function parseJql(jql: string): ParsedJql {
  const parsed = new Parser(tokenize(jql)).parse();
  if (!parsed.where) throw new JqlError(UNBOUNDED_JQL);
  validateValues(parsed.where);
  return parsed;
}

function validateValues(expr: Expr): void {
  switch (expr.kind) {
    case 'and':
    case 'or':
      validateValues(expr.left);
      validateValues(expr.right);
      return;
    case 'not':
      validateValues(expr.expr);
      return;
    case 'clause':
      if (expr.field !== 'project') return;
      for (const value of expr.values) {
        if (!findProject(value) && !findProjectByName(value))
          throw new JqlError(`The value '${value}' does not exist for the field 'project'.`);
      }
  }
}

function findProjectByName(name: string): ProjectDef | undefined {
  return PROJECTS.find((p) => p.name.toLowerCase() === name.toLowerCase());
}

function named(value: unknown, ...keys: string[]): string[] {
  if (!isRecord(value)) return [];
  return keys.map((k) => value[k]).filter((v): v is string => typeof v === 'string');
}

/** The values an issue has for a JQL field, lower-cased for case-insensitive comparison. */
function issueValues(issue: StoredIssue, field: string, caller: string): string[] {
  const f = issue.fields;
  switch (field) {
    case 'project': {
      const p = findProject(issue.projectId);
      return p ? [p.id, p.key.toLowerCase(), p.name.toLowerCase()] : [];
    }
    case 'labels':
      return Array.isArray(f['labels']) ? f['labels'].filter((l): l is string => typeof l === 'string') : [];
    case 'issuetype':
    case 'type':
      return named(f['issuetype'], 'id', 'name').map((v) => v.toLowerCase());
    case 'key':
    case 'issuekey':
    case 'id':
      return [issue.id, issue.key.toLowerCase()];
    case 'status':
      return named(f['status'], 'id', 'name').map((v) => v.toLowerCase());
    case 'statuscategory': {
      const category = isRecord(f['status']) ? f['status']['statusCategory'] : undefined;
      return named(category, 'key', 'name').map((v) => v.toLowerCase());
    }
    case 'resolution':
      return named(f['resolution'], 'id', 'name').map((v) => v.toLowerCase());
    case 'priority':
      return named(f['priority'], 'id', 'name').map((v) => v.toLowerCase());
    case 'reporter':
    case 'assignee':
    case 'creator': {
      const ids = named(f[field], 'accountId');
      return ids.flatMap((id) => (id === caller ? [id, 'currentuser()'] : [id]));
    }
    default:
      return [];
  }
}

function textOf(issue: StoredIssue, field: string): string {
  const summary = typeof issue.fields['summary'] === 'string' ? issue.fields['summary'] : '';
  if (field === 'summary') return summary.toLowerCase();
  return `${summary}\n${adfToText(issue.fields['description'])}\n${adfToText(issue.fields['environment'])}`.toLowerCase();
}

function matches(expr: Expr, issue: StoredIssue, caller: string): boolean {
  switch (expr.kind) {
    case 'and':
      return matches(expr.left, issue, caller) && matches(expr.right, issue, caller);
    case 'or':
      return matches(expr.left, issue, caller) || matches(expr.right, issue, caller);
    case 'not':
      return !matches(expr.expr, issue, caller);
    case 'clause': {
      if (expr.op === '~' || expr.op === '!~') {
        const haystack = textOf(issue, expr.field);
        const found = expr.values.every((v) => haystack.includes(v.toLowerCase().replaceAll('*', '')));
        return expr.op === '~' ? found : !found;
      }
      // Labels compare exactly (they are case-sensitive in Jira); everything else case-insensitively.
      const exact = expr.field === 'labels';
      const have = issueValues(issue, expr.field, caller);
      const wanted = expr.values.map((v) => (exact ? v : v.toLowerCase()));
      const hit = wanted.some(
        (v) => have.includes(v) || (expr.field === 'project' && have.includes(findProjectByName(v)?.id ?? '\u0000')),
      );
      switch (expr.op) {
        case '=':
        case 'in':
          return hit;
        case '!=':
        case 'not in':
          return have.length > 0 && !hit;
        case 'is':
          return have.length === 0;
        case 'is not':
          return have.length > 0;
        default:
          throw new JqlError(`The operator '${expr.op}' is not supported by the '${expr.field}' field.`);
      }
    }
  }
}

function issueNumber(issue: StoredIssue): number {
  return Number(issue.key.split('-')[1] ?? 0);
}

function priorityRank(issue: StoredIssue): number {
  const id = named(issue.fields['priority'], 'id')[0];
  const index = PRIORITIES.findIndex((p) => p.id === id);
  return index < 0 ? PRIORITIES.length : index;
}

function compare(a: StoredIssue, b: StoredIssue, field: string): number {
  switch (field) {
    case 'created':
    case 'updated':
      return a.created.localeCompare(b.created) || issueNumber(a) - issueNumber(b);
    case 'priority':
      return priorityRank(b) - priorityRank(a);
    case 'summary':
      return String(a.fields['summary']).localeCompare(String(b.fields['summary']));
    default:
      return (a.key.split('-')[0] ?? '').localeCompare(b.key.split('-')[0] ?? '') || issueNumber(a) - issueNumber(b);
  }
}

/** Runs a parsed query; without ORDER BY the newest issues come first, as in Jira's issue search. */
export function runJql(parsed: ParsedJql, issues: readonly StoredIssue[], callerAccountId: string): StoredIssue[] {
  const where = parsed.where;
  const hits = issues.filter((issue) => (where ? matches(where, issue, callerAccountId) : true));
  const order = parsed.orderBy.length > 0 ? parsed.orderBy : [{ field: 'key', descending: true }];
  return hits.sort((a, b) => {
    for (const o of order) {
      const c = compare(a, b, o.field);
      if (c !== 0) return o.descending ? -c : c;
    }
    return 0;
  });
}
