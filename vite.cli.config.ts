import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Bundles the `fukiscope` CLI (src/cli + src/core) into Node ESM, dist-cli/fukiscope.mjs (+ one chunk per command
// in dist-cli/assets). Node 20 cannot run .ts files, so `bin/fukiscope.mjs` loads this bundle (built by `npm ci` via
// `prepare`). With `--mode measure-ovmf` (the second half of `npm run build:cli`) it bundles
// src/cli/measure-ovmf-main.ts into the one self-contained file dist-cli/measure-ovmf.mjs instead, which the bin
// loads for `fukiscope measure-ovmf` (issue 16: one module to load instead of thirteen). That bundle hashes through
// node:crypto only, so @noble/hashes (the core's default backend) is replaced there by src/cli/no-noble.ts, which throws.
export default defineConfig(({ mode }) => {
  const one = mode === 'measure-ovmf';
  return {
    publicDir: one ? false : undefined,
    resolve: {
      alias: one
        ? [{ find: /^@noble\/hashes\/(sha2|legacy)\.js$/, replacement: fileURLToPath(new URL('src/cli/no-noble.ts', import.meta.url)) }]
        : [],
    },
    build: {
      ssr: one ? 'src/cli/measure-ovmf-main.ts' : 'src/cli/main.ts',
      outDir: 'dist-cli',
      target: 'node20',
      emptyOutDir: !one,
      minify: false,
      sourcemap: true,
      rolldownOptions: {
        output: one
          ? { entryFileNames: 'measure-ovmf.mjs', inlineDynamicImports: true }
          : { entryFileNames: 'fukiscope.mjs' },
      },
    },
    ssr: { noExternal: true },
  };
});
