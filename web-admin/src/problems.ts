/**
 * Matches validation problems from `PUT /api/config` (400, `problems[]`) to the control they are
 * about, so each message can be shown next to its row. Pure: no DOM.
 */
import type { ValidationProblemDto } from '#shared/admin-api-types.ts';

/** A control that problems can attach to: by config path (and anything below it) or by Jira field id. */
export interface ProblemTarget {
  key: string;
  paths: readonly string[];
  fieldIds?: readonly string[];
}

export interface MatchedProblems {
  byKey: Map<string, ValidationProblemDto[]>;
  /** Problems that concern no visible control: shown in the section summary only. */
  unmatched: ValidationProblemDto[];
}

/** `fieldMappings[2].constant` and `fieldMappings/2/constant` → `fieldMappings.2.constant`. */
export function normalizePath(path: string): string {
  return path
    .replace(/\[\s*["']?([^\]"']*)["']?\s*\]/g, '.$1')
    .replace(/\//g, '.')
    .replace(/\.{2,}/g, '.')
    .replace(/^\./, '')
    .replace(/\.$/, '');
}

function pathMatches(problemPath: string, targetPath: string): boolean {
  return problemPath === targetPath || problemPath.startsWith(`${targetPath}.`);
}

/**
 * The most specific path wins (longest target path); a problem without a matching path falls
 * back to its `fieldId`. Each problem lands at one target at most.
 */
export function matchProblems(
  problems: readonly ValidationProblemDto[],
  targets: readonly ProblemTarget[],
): MatchedProblems {
  const byKey = new Map<string, ValidationProblemDto[]>();
  const unmatched: ValidationProblemDto[] = [];
  const normalizedTargets = targets.map((t) => ({ ...t, paths: t.paths.map(normalizePath) }));
  for (const problem of problems) {
    const path = normalizePath(problem.path ?? '');
    let best: { key: string; length: number } | undefined;
    for (const target of normalizedTargets) {
      for (const targetPath of target.paths) {
        if (targetPath !== '' && pathMatches(path, targetPath) && (!best || targetPath.length > best.length)) {
          best = { key: target.key, length: targetPath.length };
        }
      }
    }
    if (!best && problem.fieldId) {
      const byField = normalizedTargets.find((t) => t.fieldIds?.includes(problem.fieldId ?? ''));
      if (byField) best = { key: byField.key, length: 0 };
    }
    if (best) {
      const list = byKey.get(best.key) ?? [];
      list.push(problem);
      byKey.set(best.key, list);
    } else {
      unmatched.push(problem);
    }
  }
  return { byKey, unmatched };
}

/** Problems whose path lies in one config section (e.g. `fieldMappings`), plus those without a path. */
export function problemsInSection(problems: readonly ValidationProblemDto[], section: string): ValidationProblemDto[] {
  return problems.filter((p) => {
    const path = normalizePath(p.path ?? '');
    return path === '' || pathMatches(path, section);
  });
}

/**
 * Problems placed on the controls registered under `paths` (one per control, e.g.
 * `rules.2.actions.assigneeAccountId`), each at the most specific path that holds it.
 */
export function placeProblems(
  problems: readonly ValidationProblemDto[],
  paths: readonly string[],
): { byPath: Map<string, ValidationProblemDto[]>; unmatched: ValidationProblemDto[] } {
  const matched = matchProblems(
    problems,
    paths.map((path, index) => ({ key: String(index), paths: [path] })),
  );
  const byPath = new Map<string, ValidationProblemDto[]>();
  for (const [key, list] of matched.byKey) byPath.set(paths[Number(key)] ?? key, list);
  return { byPath, unmatched: matched.unmatched };
}

/** The positions of the rules that `paths` (`rules.<n>…`) point into. */
export function ruleIndices(paths: Iterable<string>): Set<number> {
  const indices = new Set<number>();
  for (const path of paths) {
    const match = /^rules\.(\d+)(?:\.|$)/.exec(normalizePath(path));
    if (match) indices.add(Number(match[1]));
  }
  return indices;
}
