// Test-only: the compose fuzz family's seeds (see compose-cases.ts), built once per run from the AmdSev fixture cut
// to 64 KiB and small corpus inputs.
import { buildUki } from '../../core/uki/build';
import { readCorpus } from '../../test-support/corpus';
import { amdSevFixtureSmall } from '../../test-support/firmware-fixture';
import type { ComposeSeeds } from './compose-cases';

/** The composer's inputs: a 64 KiB firmware, the IGVM compose makes of it, small kernels, a UKI built from the corpus stub. */
export async function composeSeeds(): Promise<ComposeSeeds> {
  const firmware = amdSevFixtureSmall();
  const kernel = new Uint8Array(32 << 10).map((_, i) => (i * 7 + (i >> 9)) & 0xff);
  const stub = readCorpus('inputs/stub/262/linuxx64.efi.stub');
  const osRelease = readCorpus('inputs/misc/os-release');
  const initrd = readCorpus('inputs/initrd/initrd-small.cpio.gz');
  const uki = buildUki({ stub, kind: 'uki', sections: [{ name: '.linux', data: kernel }, { name: '.initrd', data: initrd }, { name: '.cmdline', data: 'console=ttyS0' }, { name: '.osrel', data: osRelease }] }).file!;
  const { COMMANDS } = await import('../commands');
  const compose = await COMMANDS.compose!.load();
  let firmwareIgvm: Uint8Array | undefined;
  const rc = await compose.run(['--firmware', 'FW', '--igvm-out', 'OUT'], { out: () => {}, err: () => {}, readFile: () => firmware as never, writeFile: (_p, d) => (firmwareIgvm = d as Uint8Array) });
  if (rc !== 0 || !firmwareIgvm) throw new Error('compose of the fuzz firmware failed');
  return { firmware, firmwareIgvm: firmwareIgvm!, kernel, kernelPe: readCorpus('pe/addon-262-cmdline.addon.efi'), initrd, uki, addon: readCorpus('pe/addon-262-cmdline.addon.efi'), stub, addonStub: readCorpus('inputs/stub/262/addonx64.efi.stub'), osRelease };
}

