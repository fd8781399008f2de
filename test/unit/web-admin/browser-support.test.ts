/**
 * The admin site against the browsers it promises (web-admin/.browserslistrc): the build target
 * comes from that list, the compatibility lint finds no API newer than it, and the APIs and CSS
 * the lint cannot see are used only behind their fallbacks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import {
  atlassianTokenValues,
  browserQueries,
  designTokensCss,
  esbuildTargets,
  flexGapFallback,
  SITE_ROOT,
  usedTokenNames,
} from '../../../web-admin/build/site-build.ts';

const SRC = join(SITE_ROOT, 'src');

function sources(ext: string): { file: string; text: string }[] {
  const found: { file: string; text: string }[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(ext)) found.push({ file: relative(SRC, path), text: readFileSync(path, 'utf8') });
    }
  };
  walk(SRC);
  return found;
}

describe('browser-support', () => {
  it('builds for the promised browsers from the one browserslist', () => {
    // Act
    const queries = browserQueries();
    const targets = esbuildTargets();
    // Assess
    expect(queries).toEqual([
      'chrome >= 90',
      'edge >= 90',
      'firefox >= 88',
      'safari >= 14',
      'ios_saf >= 14',
      'and_chr >= 90',
    ]);
    expect(targets).toEqual(expect.arrayContaining(['chrome90', 'edge90', 'firefox88', 'safari14', 'ios14']));
  });

  it('uses no browser API newer than the list without a fallback (eslint-plugin-compat)', async () => {
    // Prepare
    const eslint = new ESLint({ cwd: SITE_ROOT, overrideConfigFile: join(SITE_ROOT, 'eslint.config.js') });
    // Act
    const results = await eslint.lintFiles(['src/**/*.ts']);
    // Assess
    const problems = results.flatMap((r) =>
      r.messages.map((m) => `${relative(SITE_ROOT, r.filePath)}:${m.line} ${m.message}`),
    );
    expect(results.length).toBeGreaterThan(10);
    expect(problems).toEqual([]);
  }, 60_000);

  it('lets the lint catch an API the list lacks', async () => {
    // Prepare
    const eslint = new ESLint({ cwd: SITE_ROOT, overrideConfigFile: join(SITE_ROOT, 'eslint.config.js') });
    // Act
    const [result] = await eslint.lintText(
      'export const own = Object.hasOwn({}, "x"); export const copy = structuredClone({});',
      {
        filePath: join(SRC, 'probe.ts'),
      },
    );
    // Assess
    expect(result?.messages.map((m) => m.ruleId)).toEqual(['compat/compat', 'compat/compat']);
  }, 60_000);

  it('calls showModal only in the dialog module, which checks for it first', () => {
    // Act
    const callers = sources('.ts').filter((s) => /\.showModal\(/.test(s.text));
    // Assess
    expect(callers.map((c) => c.file)).toEqual(['confirm-dialog.ts']);
    expect(callers[0]?.text).toContain("'showModal' in document.createElement('dialog')");
  });

  it('uses no CSS the oldest promised Safari drops without a fallback', () => {
    // Prepare
    const css = sources('.css')
      .map((s) => s.text.replace(/\/\*[\s\S]*?\*\//g, ''))
      .join('\n');
    // Act
    const focusVisible = css.match(/[^\n{}]*:focus-visible[^\n{]*/g) ?? [];
    // Assess
    expect(css).not.toMatch(/:has\(/);
    // Only as `:focus:not(:focus-visible)`: Safari 14 drops that rule and keeps the `:focus` ring.
    expect(focusVisible.every((selector) => selector.trim() === ':focus:not(:focus-visible)')).toBe(true);
  });

  it('backs every flex gap with margins under .no-flex-gap, inside the same media query', () => {
    // Prepare
    const css = [
      '.row { display: flex; gap: 8px; }',
      '.wrap { display: flex; flex-wrap: wrap; gap: 4px 12px; }',
      '.col { display: flex; flex-direction: column; gap: var(--ds-space-100); }',
      '.grid { display: grid; gap: 8px; }',
      '@media (max-width: 760px) { .a, .b { display: inline-flex; column-gap: 6px; } }',
    ].join('\n');
    // Act
    const out = flexGapFallback(css);
    // Assess
    expect(out).toContain('.no-flex-gap .row > * + * { margin-left: 8px; }');
    expect(out).toContain('.no-flex-gap .wrap > * { margin-right: 12px; margin-bottom: 4px; }');
    expect(out).toContain('.no-flex-gap .wrap { margin-bottom: calc(-1 * 4px); }');
    expect(out).toContain('.no-flex-gap .col > * + * { margin-top: var(--ds-space-100); }');
    expect(out).not.toContain('.no-flex-gap .grid');
    expect(out).toMatch(
      /@media \(max-width: 760px\) \{ \.a, \.b \{[^}]*\}\n\.no-flex-gap \.a > \* \+ \*, \.no-flex-gap \.b > \* \+ \* \{ margin-left: 6px; \} \}/,
    );
  });
});

describe('design tokens', () => {
  it('defines every Atlassian token the stylesheet uses', () => {
    // Prepare
    const stylesheet = readFileSync(join(SRC, 'styles.css'), 'utf8');
    const values = atlassianTokenValues();
    // Act
    const used = usedTokenNames([stylesheet]);
    const missing = used.filter((name) => !values.has(name));
    // Assess
    expect(used.length).toBeGreaterThan(40);
    expect(missing).toEqual([]);
  });

  it('emits only the tokens used, and refuses a name the package does not define', () => {
    // Prepare
    const values = new Map([
      ['--ds-text', '#292A2E'],
      ['--ds-link', '#1868DB'],
      ['--ds-unused', '#000'],
    ]);
    // Act
    const css = designTokensCss(['--ds-text'], values);
    // Assess
    expect(css).toContain('--ds-text: #292A2E;');
    expect(css).not.toContain('--ds-unused');
    expect(() => designTokensCss(['--ds-text-renamed'], values)).toThrow(
      'Unknown Atlassian design token --ds-text-renamed',
    );
  });
});
