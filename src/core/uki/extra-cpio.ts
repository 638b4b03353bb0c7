// The initrd the kernel really gets from systemd-stub 257+ (evidence §4): the stub wraps files into newc cpio
// archives of its own — `/.extra/os-release` (the `.osrel` section), `/.extra/profile`, the PCR signature and
// public key, and the ESP sidecars (credentials, system and configuration extensions) — and concatenates them
// with the UKI's `.ucode`/`.initrd` and the add-on initrds, each padded to 4 bytes. The byte layout follows
// systemd's src/boot/cpio.c: the leading directories first (every prefix 0555, the last one with the archive's
// dir mode), inodes counted from 1 per archive, uid/gid/mtime/dev 0, nlink 1, lowercase hex words, the name
// padded with NULs to 4 bytes (counted from the archive start), then the contents padded to 4, and the fixed
// trailer (its name-size word written "0000000B"). The Linux EFI stub then measures the whole buffer into PCR 9.
import { concatBytes, textEncoder, type Bytes } from '../bytes/bytes';

/** cpio's size fields are 32-bit; the stub refuses larger contents (EFI_LOAD_ERROR). */
export const MAX_CPIO_FILE = 0xffffffff;
/** The stub skips file names longer than Linux's 255. */
export const MAX_CPIO_NAME = 255;

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

export interface CpioEntry {
  /** Path inside the archive, without a leading slash. */
  name: string;
  /** Full st_mode (type bits included). */
  mode: number;
  data?: Uint8Array;
}

const word = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');

/** The trailer record exactly as systemd writes it (uppercase B in the name size, four NULs). */
const TRAILER = textEncoder.encode(
  '070701' +
    '00000000'.repeat(4) +
    '00000001' +
    '00000000'.repeat(6) +
    '0000000B' +
    '00000000' +
    'TRAILER!!!\0\0\0\0',
);

/**
 * A newc archive of `entries` with inodes numbered from `firstInode`, laid out as systemd-stub does (see the
 * header). Returns undefined when a file is larger than cpio can describe.
 */
export function newcArchive(entries: readonly CpioEntry[], firstInode = 1): Bytes | undefined {
  const parts: Uint8Array[] = [];
  let size = 0;
  let inode = firstInode;
  const add = (b: Uint8Array) => {
    parts.push(b);
    size += b.length;
  };
  const pad = () => {
    if (size % 4) add(new Uint8Array(4 - (size % 4)));
  };
  for (const e of entries) {
    const data = e.data ?? new Uint8Array(0);
    if (data.length > MAX_CPIO_FILE) return undefined;
    const name = textEncoder.encode(e.name);
    const header =
      '070701' +
      word(inode++) +
      word(e.mode) +
      word(0) +
      word(0) +
      word(1) +
      word(0) +
      word(data.length) +
      word(0) +
      word(0) +
      word(0) +
      word(0) +
      word(name.length + 1) +
      word(0);
    add(textEncoder.encode(header));
    add(name);
    add(new Uint8Array(1));
    pad();
    if (data.length > 0) {
      add(data);
      pad();
    }
  }
  add(TRAILER);
  return concatBytes(...parts);
}

/** The directory records the stub writes before the first file: each prefix of `dir` (0555), then `dir`. */
function prefixDirs(dir: string, dirMode: number): CpioEntry[] {
  const out: CpioEntry[] = [];
  const segs = dir.split('/');
  for (let i = 1; i < segs.length; i++)
    if (segs[i - 1] !== '') out.push({ name: segs.slice(0, i).join('/'), mode: S_IFDIR | 0o555 });
  out.push({ name: dir, mode: S_IFDIR | dirMode });
  return out;
}

/** One literal file under `dir` (pack_cpio_literal): `/.extra/os-release`, `/.extra/profile`, … */
export function stubLiteralCpio(
  dir: string,
  fileName: string,
  data: Uint8Array,
  dirMode = 0o555,
  accessMode = 0o444,
): Bytes | undefined {
  return newcArchive([
    ...prefixDirs(dir, dirMode),
    { name: `${dir}/${fileName}`, mode: S_IFREG | accessMode, data },
  ]);
}

export interface SidecarFile {
  name: string;
  data: Uint8Array;
}

/** Which ESP files the stub picks up for a sidecar archive (pack_cpio): suffix match, case-insensitive. */
export function sidecarPicks(name: string, suffix: string, exclude?: string): boolean {
  const lower = name.toLowerCase();
  if (name.startsWith('.') || name.length > MAX_CPIO_NAME || name.length === 0) return false;
  // eslint-disable-next-line no-control-regex
  if (!/^[\x00-\x7f]*$/.test(name)) return false;
  if (!lower.endsWith(suffix.toLowerCase())) return false;
  return !(exclude && lower.endsWith(exclude.toLowerCase()));
}

/** UTF-16 code-unit order (strcmp16), which the stub sorts the directory listing by. */
const strcmp16 = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A sidecar archive (pack_cpio): the matching files, sorted, under `dir`; undefined when none match (the stub then
 * adds nothing and measures nothing).
 */
export function stubSidecarCpio(
  files: readonly SidecarFile[],
  kind: SidecarKind,
): { cpio: Bytes; files: string[] } | undefined {
  const k = SIDECARS[kind];
  const picked = files
    .filter((f) => sidecarPicks(f.name, k.suffix, k.exclude))
    .sort((a, b) => strcmp16(a.name, b.name));
  if (picked.length === 0) return undefined;
  const entries = [
    ...prefixDirs(k.dir, k.dirMode),
    ...picked.map((f) => ({ name: `${k.dir}/${f.name}`, mode: S_IFREG | k.accessMode, data: f.data })),
  ];
  const cpio = newcArchive(entries);
  return cpio ? { cpio, files: picked.map((f) => f.name) } : undefined;
}

export type SidecarKind =
  'credentials' | 'globalCredentials' | 'sysext' | 'globalSysext' | 'confext' | 'globalConfext';

/** The stub's sidecar archives in the order it concatenates them (stub.c INITRD_* enum), with their PCR. */
export const SIDECARS: Record<
  SidecarKind,
  {
    esp: string;
    suffix: string;
    exclude?: string;
    dir: string;
    dirMode: number;
    accessMode: number;
    pcr: number;
    description: string;
  }
> = {
  credentials: {
    esp: '<uki>.extra.d',
    suffix: '.cred',
    dir: '.extra/credentials',
    dirMode: 0o500,
    accessMode: 0o400,
    pcr: 12,
    description: 'Credentials initrd',
  },
  globalCredentials: {
    esp: '\\loader\\credentials',
    suffix: '.cred',
    dir: '.extra/global_credentials',
    dirMode: 0o500,
    accessMode: 0o400,
    pcr: 12,
    description: 'Global credentials initrd',
  },
  sysext: {
    esp: '<uki>.extra.d',
    suffix: '.raw',
    exclude: '.confext.raw',
    dir: '.extra/sysext',
    dirMode: 0o555,
    accessMode: 0o444,
    pcr: 13,
    description: 'System extension initrd',
  },
  globalSysext: {
    esp: '\\loader\\extensions',
    suffix: '.raw',
    exclude: '.confext.raw',
    dir: '.extra/global_sysext',
    dirMode: 0o555,
    accessMode: 0o444,
    pcr: 13,
    description: 'Global system extension initrd',
  },
  confext: {
    esp: '<uki>.extra.d',
    suffix: '.confext.raw',
    dir: '.extra/confext',
    dirMode: 0o555,
    accessMode: 0o444,
    pcr: 12,
    description: 'Configuration extension initrd',
  },
  globalConfext: {
    esp: '\\loader\\extensions',
    suffix: '.confext.raw',
    dir: '.extra/global_confext',
    dirMode: 0o555,
    accessMode: 0o444,
    pcr: 12,
    description: 'Global configuration extension initrd',
  },
};

export const SIDECAR_ORDER: readonly SidecarKind[] = [
  'credentials',
  'globalCredentials',
  'sysext',
  'globalSysext',
  'confext',
  'globalConfext',
];

/** combine_initrds: one initrd is passed as is; several are concatenated, each padded with zeros to 4 bytes. */
export function combineInitrds(parts: readonly Uint8Array[]): Uint8Array[] {
  if (parts.length <= 1) return [...parts];
  const out: Uint8Array[] = [];
  for (const p of parts) {
    out.push(p);
    if (p.length % 4) out.push(new Uint8Array(4 - (p.length % 4)));
  }
  return out;
}

/**
 * The sidecar kinds a stub version picks up. The boot test showed 257 ignoring \loader\extensions (PCR 13 stayed
 * zero with a global *.raw there) while 262 packs global system and configuration extensions too.
 */
export function sidecarKindsFor(major: number): readonly SidecarKind[] {
  return major >= 258
    ? SIDECAR_ORDER
    : SIDECAR_ORDER.filter((k) => k !== 'globalSysext' && k !== 'globalConfext');
}
