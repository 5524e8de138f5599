import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { coreBridge } from './scripts/core-bridge.ts';

// The desktop shell loads `dist/` through Tauri's custom protocol under a strict CSP
// (default-src 'self'): nothing may be inlined as a data: URL, nothing fetched from the network.
// VITE_CORE_BRIDGE=1 (previews in a browser): the page's calls go to `maillage serve`.
export default defineConfig({
  plugins: [svelte(), ...(process.env.VITE_CORE_BRIDGE ? [coreBridge()] : [])],
  base: './',
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test/setup.ts'],
  },
});
