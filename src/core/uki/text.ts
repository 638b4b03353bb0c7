// Text sections: `.osrel` / `.profile` (os-release style KEY=VALUE lines), `.sbat` (CSV), `.cmdline`, `.uname`
// (fuki §2.2 step 6, §2.5 SBAT).
import { decodeUtf8Strict } from '../bytes/bytes';
import { appendAll } from '../append';

/** Section text without the trailing NULs some tools append; undefined if not UTF-8. */
export function sectionText(b: Uint8Array): string | undefined {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  return decodeUtf8Strict(b.subarray(0, end));
}

/** os-release / `.profile` syntax: KEY=VALUE lines, `#` comments, values optionally in single or double quotes. */
export function parseEnvText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    let v = line.slice(eq + 1);
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0])
      v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    out[line.slice(0, eq)] = v;
  }
  return out;
}

export interface SbatEntry {
  component: string;
  generation: string;
  vendor: string;
  packageName: string;
  version: string;
  url: string;
}

/** SBAT CSV rows (`component,generation,vendor,package,version,url`). */
export function parseSbat(text: string): SbatEntry[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [component = '', generation = '', vendor = '', packageName = '', version = '', ...rest] =
        l.split(',');
      return { component, generation, vendor, packageName, version, url: rest.join(',') };
    });
}

/** The SBAT header line every `.sbat` starts with (fuki §2.5). */
export const SBAT_HEADER = 'sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md';
export const SBAT_UKI_LINE =
  'uki,1,UKI,uki,1,https://uapi-group.org/specifications/specs/unified_kernel_image/';
export const SBAT_ADDON_LINE =
  'uki-addon,1,UKI Addon,addon,1,https://www.freedesktop.org/software/systemd/man/latest/systemd-stub.html';

/**
 * ukify's SBAT merge (§2.5): the header once, then the non-header lines of every input in order. ukify 262
 * ends the text with a newline; older versions (≤ 257) added a NUL after it (`trailingNul`).
 */
export function mergeSbat(inputs: string[], trailingNul = false): string {
  const lines: string[] = [];
  for (const t of inputs) {
    const split = t.replace(/\0+$/, '').split(/\r?\n/);
    if (!split[0]?.startsWith('sbat,')) continue;
    appendAll(lines, split.slice(1).filter((l) => l !== ''));
  }
  return `${SBAT_HEADER}\n${lines.join('\n')}\n${trailingNul ? '\0' : ''}`;
}
