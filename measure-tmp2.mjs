import { build } from 'esbuild';
for (const [name, contents] of Object.entries({
  nsLocale: "import * as z from 'zod/mini'; export const f = (v) => z.object({a: z.string()}).safeParse(v, { error: z.locales.en().localeError });",
  namedLocale: "import * as z from 'zod/mini'; import { en } from 'zod/locales'; export const f = (v) => z.object({a: z.string()}).safeParse(v, { error: en().localeError });",
  noLocale: "import * as z from 'zod/mini'; export const f = (v) => z.object({a: z.string()}).safeParse(v);",
  star: "import * as z from 'zod/mini'; export const f = (v) => z.object({a: z.string()}).safeParse(v);",
  classic: "import { z } from 'zod'; export const f = (v) => z.object({a: z.string()}).safeParse(v);",
  env: "export { loadEnv } from './lambdas/shared/env.ts';",
})) {
  const r = await build({ stdin: { contents, resolveDir: process.cwd(), loader: 'ts' }, bundle: true, minify: true, platform: 'node', format: 'esm', target: 'node24', mainFields: ['module', 'main'], write: false, metafile: true, outfile: '/tmp/x.mjs', logLevel: 'error' });
  const out = Object.values(r.metafile.outputs)[0];
  const locales = Object.entries(out.inputs).filter(([f]) => f.includes('/locales/') && !f.endsWith('index.js')).map(([f, v]) => `${f.split('/').pop()}:${v.bytesInOutput}`);
  console.log(name.padEnd(12), out.bytes, locales.join(' '));
}
