// Where the kernel, initrd and command line of a composition come from: given directly, or taken from a UKI and
// its add-ons the way systemd-stub hands them to the kernel (fuki-uki-kernel-hashes.md §1.6, §2.7, §4.1).
// Which bytes a FUKI hash page should carry is not specified anywhere (§6 item 8); we hash what the kernel gets:
// `.linux`, the initrds concatenated in stub order (ucode first), and the final command line.
import { detectFileKind } from '../detect';
import { Diagnostics, type Diagnostic } from '../diagnostics';
import { parsePe } from '../pe/parse';
import { sectionView } from '../pe/access';
import { mergeAddons, type AddonInput } from '../uki/addons';
import type { Pcr12Event } from '../uki/pcr';
import { effectiveSections, parseUki, pick } from '../uki/model';

export interface BootBlobs {
  kernel: Uint8Array;
  /** Initrd parts in the order the kernel receives them (hashed as one concatenation). */
  initrds: Uint8Array[];
  cmdline: string;
  /** Where each part came from, for the receipt. */
  provenance: { kernel: string; initrds: string[]; cmdline: string };
  /** UKI route: what systemd-stub extends into PCR 12 for these add-ons (mergeAddons). */
  pcr12?: Pcr12Event[];
}

export interface DirectBoot {
  kernel: Uint8Array;
  initrd?: Uint8Array;
  cmdline?: string;
}

export function directBootBlobs(b: DirectBoot): BootBlobs {
  return {
    kernel: b.kernel,
    initrds: b.initrd ? [b.initrd] : [],
    cmdline: b.cmdline ?? '',
    provenance: { kernel: 'kernel file', initrds: b.initrd ? ['initrd file'] : [], cmdline: 'given' },
  };
}

/**
 * The error diagnostics of a kernel input (issue 10: every compose input counts). A kernel that is a PE (an EFI-stub
 * bzImage, or `.linux` of a UKI) must parse as one: a truncated or damaged image hashes fine and boots never. A
 * kernel that is not a PE (a plain bzImage) is hashed as the bytes QEMU reads, with nothing to check.
 */
export function kernelInputDiagnostics(kernel: Uint8Array, what = 'kernel'): Diagnostic[] {
  if (detectFileKind(kernel) !== 'pe') return [];
  return parsePe(kernel)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => ({ ...d, message: `${what}: ${d.message}` }));
}

/** The boot blobs of a UKI (one profile) with a set of add-ons applied. */
export function ukiBootBlobs(
  uki: Uint8Array,
  addons: AddonInput[],
  diagnostics: Diagnostics,
  profile?: number,
): BootBlobs | undefined {
  const model = parseUki(uki);
  for (const d of model.diagnostics) if (d.severity === 'error') diagnostics.add(d);
  const linux = pick(effectiveSections(model, profile), '.linux');
  if (!linux) {
    diagnostics.error('FUKI_UKI_NO_LINUX', 'the UKI has no .linux section: no kernel to hash', { spec: 'fuki §2.3' });
    return undefined;
  }
  for (const d of kernelInputDiagnostics(sectionView(uki, linux.pe), 'UKI .linux')) diagnostics.add(d);
  const merged = mergeAddons({ file: uki, model }, addons, { profile });
  for (const d of merged.diagnostics) diagnostics.add(d);
  return {
    // A view, not a copy: the digest cache then recognises the same kernel on every edit (digest-cache.ts).
    kernel: sectionView(uki, linux.pe),
    initrds: merged.initrds.map((p) => p.data),
    cmdline: merged.cmdline,
    pcr12: merged.pcr12,
    provenance: {
      kernel: 'UKI .linux',
      initrds: merged.initrds.map((p) => `${p.source} (${p.kind})`),
      cmdline: merged.order.length ? `UKI .cmdline + ${merged.order.join(', ')}` : 'UKI .cmdline',
    },
  };
}
