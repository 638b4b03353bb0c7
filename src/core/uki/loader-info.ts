// The `.sdmagic` text systemd's EFI binaries carry, e.g. `#### LoaderInfo: systemd-stub 262.1-1 ####`
// (fuki §2.2): which systemd program built it (systemd-stub for UKIs, systemd-addon for add-ons, systemd-boot)
// and its version, so the UI can say "systemd-stub 262.1-1" instead of showing the marker text.

export interface LoaderInfo {
  /** systemd-stub, systemd-addon, systemd-boot… */
  program: string;
  /** As the marker states it, e.g. `262.1-1` (distribution suffix included). */
  version?: string;
  /** The systemd major version (e.g. 262), when the version starts with one. */
  major?: number;
}

const MARKER = /^#### LoaderInfo: (\S+)(?: (\S.*?))? ####$/;

export function parseLoaderInfo(text: string): LoaderInfo | undefined {
  const m = MARKER.exec(text.replace(/\0+$/, '').trim());
  if (!m) return undefined;
  const version = m[2];
  const major = version ? /^(\d+)/.exec(version)?.[1] : undefined;
  return { program: m[1]!, version, major: major ? Number(major) : undefined };
}

/** "systemd-stub 262.1-1 (systemd v262)", or the text as it is when it is not the marker. */
export function describeLoaderInfo(text: string): string {
  const li = parseLoaderInfo(text);
  if (!li) return text;
  return `${li.program}${li.version ? ` ${li.version}` : ''}${li.major !== undefined ? ` (systemd v${li.major})` : ''}`;
}
