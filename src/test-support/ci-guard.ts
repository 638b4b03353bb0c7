// vitest globalSetup: under CI (env CI set) a run cannot pass vacuously.
// - Before any test: the corpus must be there. Without it 35 files skip their conformance suites and ~150 tests
//   are never registered, and the run would still be green.
// - After the run: no test may have been skipped, except suites that are opt-in by an environment variable
//   (listed below with the variable that turns them on).
import { relative } from 'node:path';
import type { TestProject } from 'vitest/node';
import { CORPUS_DIR, corpusAvailable } from './corpus';

/** Suites that run only when a developer points an environment variable at external fixtures. */
const OPT_IN_SUITES: { file: string; env: string }[] = [
  { file: 'src/core/classic/svsm.test.ts', env: 'FUKISCOPE_SSM_FIXTURES' },
  { file: 'src/cli/commands/sev-snp-measure.test.ts', env: 'SEV_SNP_MEASURE' },
];

const underCi = (): boolean => !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';

export default function setup(project: TestProject): (() => void) | undefined {
  if (!underCi()) return undefined;
  if (!corpusAvailable())
    throw new Error(
      `CI: the test corpus is missing (no manifest.json in ${CORPUS_DIR}); conformance tests would silently not run. Set FUKISCOPE_CORPUS.`,
    );
  return () => {
    const root = project.config.root;
    const skipped: string[] = [];
    for (const mod of project.vitest.state.getTestModules()) {
      const file = relative(root, mod.moduleId);
      const optIn = OPT_IN_SUITES.find((s) => s.file === file && !process.env[s.env]);
      for (const test of mod.children.allTests()) {
        if (test.result().state !== 'skipped' || optIn || test.options.mode === 'todo') continue;
        skipped.push(`${file} > ${test.fullName}`);
      }
    }
    if (skipped.length === 0) return;
    console.error(
      `\nCI: ${skipped.length} test(s) were skipped; under CI every test must run:\n  ${skipped.slice(0, 20).join('\n  ')}`,
    );
    process.exitCode = 1;
  };
}
