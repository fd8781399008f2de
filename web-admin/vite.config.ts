import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// One static bundle served by CloudFront (S3) or the local runtime at `/`, same origin as /api.
export default defineConfig({
  root,
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // Keep the CSP strict: no inline <script>/<style>, no data: module preload polyfill.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: 'es2022',
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
