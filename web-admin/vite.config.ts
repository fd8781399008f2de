import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { adminSitePlugin, esbuildTargets } from './build/site-build.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

// One static bundle served by CloudFront (S3) or the local runtime at `/`, same origin as /api.
export default defineConfig({
  root,
  plugins: [adminSitePlugin()],
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // Keep the CSP strict: no inline <script>/<style>, no data: module preload polyfill.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    // The promised browsers (web-admin/.browserslistrc): syntax newer than these is lowered, CSS too.
    target: esbuildTargets(),
    cssTarget: esbuildTargets(),
    sourcemap: false,
  },
  server: {
    // `npx vite --config web-admin/vite.config.ts` against a running local runtime.
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/oauth': 'http://127.0.0.1:3000',
      '/config.json': 'http://127.0.0.1:3000',
    },
  },
});
