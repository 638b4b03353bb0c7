// Test-only: where virtee/sev-snp-measure is on this machine, if anywhere (it is not an npm package and PyPI is not
// reachable here: run from its source with Debian's python3 + python3-cryptography). Used by the differential test
// (src/cli/commands/sev-snp-measure.test.ts, opt-in by SEV_SNP_MEASURE, see ci-guard.ts) and bench/measure-ovmf.mjs.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The default place scripts and the bench look (`git archive` of github.com/virtee/sev-snp-measure there). */
export const SEV_SNP_MEASURE_DEFAULT = '/opt/sev-snp-measure/sev-snp-measure.py';

/**
 * The argv prefix that runs sev-snp-measure: `$SEV_SNP_MEASURE` (a `.py` script, run with python3, or an
 * executable); else the default path when `fallback` is true. Undefined when there is none.
 */
export function sevSnpMeasureCommand(fallback = false): string[] | undefined {
  const path = process.env.SEV_SNP_MEASURE || (fallback && existsSync(SEV_SNP_MEASURE_DEFAULT) ? SEV_SNP_MEASURE_DEFAULT : '');
  if (!path) return undefined;
  if (!existsSync(path)) throw new Error(`SEV_SNP_MEASURE=${path} does not exist`);
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  return path.endsWith('.py') ? [python, path] : [path];
}

/** Runs sev-snp-measure with `args` in `cwd`: exit status, stdout, stderr. */
export function runSevSnpMeasure(cmd: string[], args: string[], cwd: string): { status: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(cmd[0]!, [...cmd.slice(1), ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { status: 0, stdout, stderr: '' };
  } catch (e) {
    const x = e as { status?: number; stdout?: string; stderr?: string };
    return { status: x.status ?? -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}
