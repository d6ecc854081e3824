// Vite build of the MIC single-page app.
// JSX is compiled by Vite's own transformer (oxc) for Preact; no framework plugin is needed.
import { defineConfig } from 'vite';

export default defineConfig({
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  build: {
    outDir: 'dist',
    // Production serves a Content-Security-Policy without 'unsafe-inline' and without data: URIs:
    // keep every asset a file of its own and inject no inline preload helper.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: {
    // `npm run dev` talks to the stack started by `./mic up` (nginx on 127.0.0.1:8080).
    proxy: {
      '/api': 'http://127.0.0.1:8080',
    },
  },
});
