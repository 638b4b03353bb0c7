// The boot test's cases (issue 14 item 5): a UKI and add-ons built by OUR builder (src/core/uki/build.ts, what
// `fukiscope uki build` runs) from the corpus stubs 252/257/262 and Debian kernel, with our own initrd
// (guest-initrd.ts), laid out on an ESP as the stub expects: \EFI\BOOT\BOOTX64.EFI, per-UKI add-ons and
// credentials in \EFI\BOOT\BOOTX64.EFI.extra.d\, global ones in \loader\addons\ and \loader\credentials\.
import { textEncoder } from '../../core/bytes/bytes';
import type { AddonInput } from '../../core/uki/addons';
import { buildUki } from '../../core/uki/build';
import { newcArchive, SIDECARS } from '../../core/uki/extra-cpio';
import type { SidecarFile, SidecarKind } from '../../core/uki/extra-cpio';
import { readCorpus } from '../corpus';
import type { EspFile } from './vm';

export const KERNEL = 'inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64';
export const OS_RELEASE = 'inputs/misc/os-release';
/**
 * No rdinit: the kernel runs our /init. panic=-1 + qemu -no-reboot: a panic ends the boot at once.
 * no_timer_check: under TCG on a loaded host the kernel's IO-APIC timer check can fail and panic.
 */
export const CMDLINE = 'console=ttyS0 panic=-1 loglevel=4 no_timer_check';

export interface AddonSpec {
  scope: 'global' | 'per-uki';
  fileName: string;
  cmdline?: string;
  /** Put a small initrd (a newc with one file) into the add-on. */
  initrd?: boolean;
}

export interface BootCase {
  id: string;
  stub: 252 | 257 | 262;
  addons: AddonSpec[];
  /** ESP sidecar files the stub packs into cpio archives (credentials, system/configuration extensions). */
  sidecars?: Partial<Record<SidecarKind, SidecarFile[]>>;
}

export const BOOT_CASES: BootCase[] = [
  {
    // 252 ignores add-ons: they are on the ESP, the prediction must not load or measure them.
    id: 'stub252-addons-ignored',
    stub: 252,
    addons: [
      { scope: 'global', fileName: 'global.addon.efi', cmdline: 'fukiscope.global=1' },
      { scope: 'per-uki', fileName: 'b.addon.efi', cmdline: 'fukiscope.peruki=b' },
    ],
  },
  {
    id: 'stub257-global-and-per-uki',
    stub: 257,
    sidecars: {
      credentials: [{ name: 'fukiscope.test.cred', data: textEncoder.encode('per-uki credential\n') }],
      globalSysext: [{ name: 'fukiscope-global.raw', data: textEncoder.encode('not a real image') }],
    },
    addons: [
      { scope: 'per-uki', fileName: 'b-cmdline.addon.efi', cmdline: 'fukiscope.peruki=b' },
      { scope: 'global', fileName: 'global.addon.efi', cmdline: 'fukiscope.global=1' },
      { scope: 'per-uki', fileName: 'a-initrd.addon.efi', cmdline: 'fukiscope.peruki=a', initrd: true },
    ],
  },
  {
    id: 'stub262-credentials-extensions',
    stub: 262,
    addons: [],
    sidecars: {
      credentials: [{ name: 'fukiscope.test.cred', data: textEncoder.encode('per-uki credential\n') }],
      globalCredentials: [
        { name: 'b.cred', data: textEncoder.encode('global b') },
        { name: 'A.cred', data: textEncoder.encode('global A\n') },
      ],
      sysext: [{ name: 'fukiscope.sysext.raw', data: textEncoder.encode('sysext bytes') }],
      confext: [{ name: 'fukiscope.confext.raw', data: textEncoder.encode('confext bytes!') }],
      globalConfext: [{ name: 'global.confext.raw', data: textEncoder.encode('global confext') }],
    },
  },
  {
    id: 'stub262-global-and-per-uki',
    stub: 262,
    addons: [
      { scope: 'global', fileName: 'global.addon.efi', cmdline: 'fukiscope.global=1', initrd: true },
      { scope: 'per-uki', fileName: 'b-cmdline.addon.efi', cmdline: 'fukiscope.peruki=b' },
      { scope: 'per-uki', fileName: 'a-cmdline.addon.efi', cmdline: 'fukiscope.peruki=a' },
    ],
  },
];

function must<T>(r: { file?: T; diagnostics: { severity: string; message: string }[] }, what: string): T {
  if (!r.file)
    throw new Error(`our builder refused the ${what}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r.file;
}

/** Where the stub looks for each sidecar kind (SIDECARS[kind].esp, with <uki> = \EFI\BOOT\BOOTX64.EFI). */
const espDir = (kind: SidecarKind): string =>
  SIDECARS[kind].esp.replace('<uki>', 'EFI/BOOT/BOOTX64.EFI').replace(/^\\/, '').replaceAll('\\', '/');

export interface BuiltCase {
  uki: Uint8Array;
  addons: AddonInput[];
  sidecars: Partial<Record<SidecarKind, SidecarFile[]>>;
  esp: EspFile[];
}

export function buildCase(c: BootCase, initrd: Uint8Array): BuiltCase {
  const uki = must(
    buildUki({
      stub: readCorpus(`inputs/stub/${c.stub}/linuxx64.efi.stub`),
      sections: [
        { name: '.linux', data: readCorpus(KERNEL) },
        { name: '.initrd', data: initrd },
        { name: '.cmdline', data: CMDLINE },
        { name: '.osrel', data: readCorpus(OS_RELEASE) },
      ],
    }),
    'UKI',
  );
  // 252 ships no add-on stub; its case uses 257's (the 252 stub never loads them anyway).
  const addonStub = readCorpus(`inputs/stub/${c.stub === 252 ? 257 : c.stub}/addonx64.efi.stub`);
  const addons: AddonInput[] = c.addons.map((a) => {
    const sections = [];
    if (a.cmdline) sections.push({ name: '.cmdline', data: a.cmdline });
    if (a.initrd)
      sections.push({
        name: '.initrd',
        data: newcArchive([
          { name: `etc-${a.fileName}`, mode: 0o100444, data: textEncoder.encode(`${a.fileName}\n`) },
        ])!,
      });
    const file = must(buildUki({ stub: addonStub, kind: 'addon', sections }), `add-on ${a.fileName}`);
    return { file, fileName: a.fileName, scope: a.scope };
  });
  const esp: EspFile[] = [{ path: 'EFI/BOOT/BOOTX64.EFI', data: uki }];
  for (const a of addons)
    esp.push({
      path:
        a.scope === 'global' ? `loader/addons/${a.fileName}` : `EFI/BOOT/BOOTX64.EFI.extra.d/${a.fileName}`,
      data: a.file,
    });
  for (const [kind, files] of Object.entries(c.sidecars ?? {}) as [SidecarKind, SidecarFile[]][])
    for (const f of files) esp.push({ path: `${espDir(kind)}/${f.name}`, data: f.data });
  return { uki, addons, sidecars: { ...c.sidecars }, esp };
}
