/**
 * Build-time parts of the admin site, shared by `web-admin/vite.config.ts` and the unit tests:
 * the promised browsers (one browserslist for the build target and the compatibility lint),
 * Atlassian's design tokens reduced to the ones the site uses, and the flex `gap` fallback for
 * Safari / iOS 14.0–14.4. Node only; nothing here reaches the browser bundle except the CSS it emits.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import browserslist from 'browserslist';
import browserslistToEsbuild from 'browserslist-to-esbuild';
import type { Plugin } from 'vite';

export const SITE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The queries of `web-admin/.browserslistrc`. */
export function browserQueries(): string[] {
  const queries = browserslist.loadConfig({ path: join(SITE_ROOT, 'src') });
  if (!queries || queries.length === 0) throw new Error('web-admin/.browserslistrc is missing or empty');
  return queries;
}

/** esbuild targets (e.g. `chrome90`, `safari14`) for the Vite build, from the same list. */
export function esbuildTargets(): string[] {
  return browserslistToEsbuild(browserQueries());
}

// --- Design tokens ------------------------------------------------------------------------------

/**
 * Themes of `@atlaskit/tokens` the site draws from. The package ships each theme as a JS module
 * exporting CSS text scoped to `html[data-theme…]`; the site needs a few dozen of ~540 variables.
 */
const TOKEN_THEMES = ['atlassian-light', 'atlassian-typography', 'atlassian-spacing', 'atlassian-shape'] as const;

const TOKEN_NAME = /--ds-[a-z0-9-]+/g;

function tokenPackageDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@atlaskit/tokens/package.json'));
}

/** Every `--ds-*` declaration of the themes above, name → value. */
export function atlassianTokenValues(): Map<string, string> {
  const dir = join(tokenPackageDir(), 'dist', 'esm', 'artifacts', 'themes');
  const values = new Map<string, string>();
  for (const theme of TOKEN_THEMES) {
    const source = readFileSync(join(dir, `${theme}.js`), 'utf8');
    // The module is `export default "<css>"`: read the string literal as JSON.
    const literal = /export default ("(?:[^"\\]|\\.)*")/.exec(source)?.[1];
    if (!literal) throw new Error(`@atlaskit/tokens theme ${theme} has an unexpected shape`);
    const css = JSON.parse(literal) as string;
    for (const match of css.matchAll(/(--ds-[a-z0-9-]+):\s*([^;]+);/g)) {
      if (match[1] && match[2]) values.set(match[1], match[2].trim());
    }
  }
  return values;
}

/** The `--ds-*` names the site's sources refer to, sorted. */
export function usedTokenNames(sources: readonly string[]): string[] {
  const names = new Set<string>();
  for (const source of sources) for (const match of source.matchAll(TOKEN_NAME)) names.add(match[0]);
  return [...names].sort();
}

/**
 * One `:root` rule with exactly the tokens used (and those their values refer to). Throws on a
 * name the package does not define, so a renamed token fails the build instead of falling back
 * silently.
 */
export function designTokensCss(used: readonly string[], values: ReadonlyMap<string, string>): string {
  const pending = [...used];
  const emitted = new Map<string, string>();
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (emitted.has(name)) continue;
    const value = values.get(name);
    if (value === undefined) throw new Error(`Unknown Atlassian design token ${name}`);
    emitted.set(name, value);
    for (const match of value.matchAll(TOKEN_NAME)) pending.push(match[0]);
  }
  const lines = [...emitted.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `  ${name}: ${value};`);
  return `/* Atlassian design tokens (@atlaskit/tokens, light theme) used by this site. */\n:root {\n${lines.join('\n')}\n}\n`;
}

// --- Flex gap fallback --------------------------------------------------------------------------

function gapOf(declarations: string): { row: string; column: string } | undefined {
  const gap = /(?:^|;)\s*gap\s*:\s*([^;]+)/.exec(declarations)?.[1]?.trim();
  const rowGap = /(?:^|;)\s*row-gap\s*:\s*([^;]+)/.exec(declarations)?.[1]?.trim();
  const columnGap = /(?:^|;)\s*column-gap\s*:\s*([^;]+)/.exec(declarations)?.[1]?.trim();
  if (!gap && !rowGap && !columnGap) return undefined;
  const [first, second] = (gap ?? '').split(/\s+/);
  const row = rowGap ?? first ?? '0';
  return { row: row || '0', column: columnGap ?? second ?? (first || '0') };
}

/**
 * Flex `gap` came with Safari 14.1 / iOS 14.5; before that it is ignored and items touch. For every
 * rule that makes a flex container with a gap, this adds a margin-based rule behind the
 * `.no-flex-gap` class, which the page sets on `<html>` only where flex gap does not work
 * (`browser-support.ts`). Rules inside `@media` get their fallback inside the same block.
 */
export function flexGapFallback(css: string): string {
  return css.replace(/([^{}]+)\{([^{}]*)\}/g, (rule: string, selectorText: string, body: string) => {
    const declarations = body.replace(/\/\*[\s\S]*?\*\//g, '');
    if (!/(?:^|;)\s*display\s*:\s*(?:inline-)?flex\s*(?:;|$)/.test(declarations)) return rule;
    const gap = gapOf(declarations);
    if (!gap) return rule;
    const selectors = selectorText
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '' && !s.startsWith('@'));
    if (selectors.length === 0) return rule;
    const scoped = (suffix: string): string => selectors.map((s) => `.no-flex-gap ${s}${suffix}`).join(', ');
    const column = /flex-direction\s*:\s*column/.test(declarations);
    const wraps = /flex-wrap\s*:\s*wrap/.test(declarations) || /flex-flow\s*:[^;]*wrap/.test(declarations);
    let fallback: string;
    if (column) {
      fallback = `${scoped(' > * + *')} { margin-top: ${gap.row}; }`;
    } else if (wraps) {
      // Wrapped rows: every item keeps a right and bottom margin; the container gives the bottom one back.
      fallback = `${scoped(' > *')} { margin-right: ${gap.column}; margin-bottom: ${gap.row}; }\n${scoped('')} { margin-bottom: calc(-1 * ${gap.row}); }`;
    } else {
      fallback = `${scoped(' > * + *')} { margin-left: ${gap.column}; }`;
    }
    return `${rule}\n${fallback}`;
  });
}

// --- Vite plugin --------------------------------------------------------------------------------

const TOKENS_MODULE = 'virtual:design-tokens.css';
const RESOLVED_TOKENS_MODULE = `\0${TOKENS_MODULE}`;

/**
 * `import 'virtual:design-tokens.css'` yields the tokens the site's stylesheet and scripts use;
 * the site's own stylesheet gets the flex gap fallback. Both end up in the one CSS file the page
 * links, so the CSP keeps `style-src 'self'`.
 */
export function adminSitePlugin(): Plugin {
  const stylesheet = join(SITE_ROOT, 'src', 'styles.css');
  return {
    name: 'keeper-relay-admin-site',
    resolveId(id) {
      return id === TOKENS_MODULE ? RESOLVED_TOKENS_MODULE : undefined;
    },
    load(id) {
      if (id !== RESOLVED_TOKENS_MODULE) return undefined;
      this.addWatchFile(stylesheet);
      return designTokensCss(usedTokenNames([readFileSync(stylesheet, 'utf8')]), atlassianTokenValues());
    },
    transform(code, id) {
      if (id.split('?')[0] !== stylesheet) return undefined;
      return { code: flexGapFallback(code), map: null };
    },
  };
}
