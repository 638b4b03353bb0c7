import { defineConfig } from 'vite';

// The `fukiscope` library (package.json `exports["."]`): src/core/index.ts as ESM in dist-lib/, one output file
// per source module (preserveModules) so that a consumer's bundler, told `sideEffects: false` for dist-lib,
// drops every module an import does not reach — importing only `measureIgvm` stays small. Dependencies stay
// external (package.json `dependencies`). Types: dist-lib/index.d.ts from dts-bundle-generator (build:lib).
export default defineConfig({
  build: {
    outDir: 'dist-lib',
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    sourcemap: false,
    copyPublicDir: false,
    lib: { entry: 'src/core/index.ts', formats: ['es'] },
    rolldownOptions: {
      external: [/^@noble\/hashes(\/|$)/, /^cbor2(\/|$)/, /^asn1js$/, /^pkijs$/],
      output: { preserveModules: true, preserveModulesRoot: 'src/core', entryFileNames: '[name].js' },
    },
  },
});
