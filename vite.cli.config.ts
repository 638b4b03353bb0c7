import { defineConfig } from 'vite';

// Bundles the `fukiscope` CLI (src/cli + src/core) into one Node ESM file, dist-cli/fukiscope.mjs.
// Node 20 cannot run .ts files, so `bin/fukiscope.mjs` loads this bundle (built by `npm ci` via `prepare`).
export default defineConfig({
  build: {
    ssr: 'src/cli/main.ts',
    outDir: 'dist-cli',
    target: 'node20',
    emptyOutDir: true,
    minify: false,
    sourcemap: true,
    rolldownOptions: { output: { entryFileNames: 'fukiscope.mjs' } },
  },
  ssr: { noExternal: true },
});
