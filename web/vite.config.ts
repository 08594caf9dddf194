// Two pages, one code base: the console (index.html, served at /) and the
// customer portal (portal.html, served at /portal). Built by scripts/web-build
// and embedded in the binary; files under assets/ carry their content hash.
import { defineConfig } from 'vite';

export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    target: 'es2020',
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    rollupOptions: { input: { index: 'index.html', portal: 'portal.html' } },
  },
});
