import preact from '@preact/preset-vite'
import { defineConfig } from 'vite'

// The console is served by Roster itself (src/http/console/), from the same origin as /api/v1 and /console.
// `npm run dev --workspace web` proxies those to a running Roster on :8080.
export default defineConfig({
  plugins: [preact()],
  // npm workspaces hoist a second Preact (a peer of preact-iso's helpers); one copy, or hooks break.
  resolve: { dedupe: ['preact'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Never inline assets as data: URLs into scripts or styles; the CSP allows files from 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/console': 'http://127.0.0.1:8080' },
  },
})
