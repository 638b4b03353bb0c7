// Which open files fit which composer slot, from what the engine found in them (kind, UKI kind, stub info).
// A file still loading fits every slot until its kind is known; a file that does not fit is named with what it
// is, so a PNG dropped on the UKI slot says "logo.png (PNG image) is not a UKI" instead of failing later in the worker.
import type { OpenFile } from '../store';

export type SlotKind = 'firmware' | 'uki' | 'addon' | 'kernel' | 'initrd' | 'stub';

/** What each slot takes, in words (for messages) and as a file-picker accept list (extensions only: kernels
 * and initrds have no conventional one, so their pickers show every file). */
export const SLOT_KINDS: Record<SlotKind, { noun: string; accept?: string }> = {
  firmware: { noun: 'an OVMF / TDVF firmware image', accept: '.fd,.bin,.rom,.img,.raw' },
  uki: { noun: 'a UKI (a PE with .linux)', accept: '.efi' },
  addon: { noun: 'a UKI add-on (.addon.efi)', accept: '.efi' },
  kernel: { noun: 'a Linux kernel (bzImage, an EFI PE)' },
  initrd: { noun: 'an initrd (cpio, plain or compressed)' },
  stub: { noun: 'a systemd-stub (linuxx64.efi.stub)', accept: '.stub,.efi' },
};

/** Does the file fit the slot? undefined = not known yet (still loading). */
export function fitsSlot(f: OpenFile, slot: SlotKind): boolean | undefined {
  const r = f.result;
  if (!r) return f.status === 'error' ? false : undefined;
  const uki = r.pe?.uki;
  switch (slot) {
    case 'firmware':
      return r.kind === 'firmware';
    case 'uki':
      return r.kind === 'pe' && uki?.kind === 'uki';
    case 'addon':
      return r.kind === 'pe' && uki?.kind === 'addon';
    case 'stub':
      return r.kind === 'pe' && (uki?.kind ?? 'pe') === 'pe' && /systemd-stub/.test(r.pe?.loaderInfo ?? '');
    case 'kernel':
      return r.kind === 'pe' && (uki?.kind ?? 'pe') === 'pe' && !r.pe?.loaderInfo;
    case 'initrd':
      // cpio, gzip, or a compressor detect.ts does not name as a file type of its own (xz, zstd, lz4…)
      return r.kind === 'cpio' || r.kind === 'gzip' || (r.kind === 'unknown' && /-compressed/.test(r.kindLabel));
  }
}

/** Why a file does not fit a slot, e.g. "logo.png (PNG image) is not a UKI (a PE with .linux)." */
export function misfit(f: OpenFile, slot: SlotKind): string | undefined {
  if (fitsSlot(f, slot) !== false) return undefined;
  const what = f.result?.kindLabel ?? (f.error ? `unreadable: ${f.error}` : 'unreadable');
  return `${f.name} (${what}) is not ${SLOT_KINDS[slot].noun}.`;
}
