import { build } from 'esbuild';
const entries = ['ingest', 'deliver', 'admin-api'];
const topN = Number(process.argv[2] ?? 8);
for (const name of entries) {
  const result = await build({
    entryPoints: [`lambdas/handlers/${name}.ts`],
    bundle: true, minify: true, platform: 'node', format: 'esm', target: 'node24',
    mainFields: ['module', 'main'], external: ['@aws-sdk/*'], tsconfig: 'tsconfig.json',
    banner: { js: "import { createRequire as __relayCreateRequire } from 'node:module'; const require = __relayCreateRequire(import.meta.url);" },
    write: false, metafile: true, outfile: `/tmp/measure-${name}.mjs`, logLevel: 'error',
  });
  const out = Object.values(result.metafile.outputs)[0];
  const byPkg = new Map();
  for (const [file, { bytesInOutput }] of Object.entries(out.inputs)) {
    const m = file.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
    const key = m ? m[1] : file.startsWith('lambdas/') ? '(own code lambdas/)' : file;
    byPkg.set(key, (byPkg.get(key) ?? 0) + bytesInOutput);
  }
  console.log(`\n${name}: ${out.bytes} bytes (${(out.bytes / 1024).toFixed(1)} KiB)`);
  for (const [k, v] of [...byPkg].sort((a, b) => b[1] - a[1]).slice(0, topN)) console.log(`  ${String(v).padStart(8)}  ${k}`);
  if (process.env.ZOD_FILES) for (const f of Object.keys(out.inputs).filter((f) => f.includes('zod'))) console.log('   ', f);
}
