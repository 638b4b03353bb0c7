// UKI add-ons (fuki §2.7, §1.6): which sections systemd-stub takes from each add-on, the final kernel command
// line (UKI `.cmdline`, then global add-ons, then per-UKI add-ons, each group sorted by file name) and the
// initrd order, plus the PCR 12 events the stub logs for them.
import { Diagnostics, type Diagnostic } from '../diagnostics';
import { sectionBytes, sectionView } from '../pe/access';
import { effectiveSections, parseUki, pick, type UkiModel } from './model';
import { PCR12_TAGS, utf16z, type Pcr12Event } from './pcr';
import { sectionText } from './text';
import { appendAll } from '../append';

const SPEC = 'fuki §2.7';

export interface UkiInput {
  file: Uint8Array;
  model?: UkiModel;
}

export interface AddonInput extends UkiInput {
  /** The add-on's file name (`*.addon.efi`): the sort key. */
  fileName: string;
  /** `global` = ESP/loader/addons/, `per-uki` = <uki>.efi.extra.d/ (§2.7). */
  scope: 'global' | 'per-uki';
}

export interface InitrdPart {
  source: string;
  kind: 'ucode' | 'initrd';
  data: Uint8Array;
}

export interface MergedBoot {
  /** The command line the kernel gets (SMBIOS extras not included: they are dropped in CVMs). */
  cmdline: string;
  /** Initrds in the order the kernel receives them (boot-loader initrds and generated cpios not included). */
  initrds: InitrdPart[];
  /** Add-ons in processing order. */
  order: string[];
  pcr12: Pcr12Event[];
  diagnostics: Diagnostic[];
}

/** systemd-stub's cmdline clean-up: control characters become spaces, trailing whitespace goes. */
export function mangleCmdline(s: string): string {
  let out = '';
  for (const ch of s) out += ch.charCodeAt(0) < 0x20 || ch === '\x7f' ? ' ' : ch;
  return out.replace(/\s+$/, '');
}

const byName = (a: { fileName: string }, b: { fileName: string }): number =>
  a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0;

/**
 * The order systemd-stub applies add-ons in (fuki §2.7; boot lab, evidence-and-eventlogs §4): the global ones
 * (ESP/loader/addons/) first, then the per-UKI ones (<uki>.efi.extra.d/), each group sorted by file name.
 * Generic so the composer can show the same order for its own add-on rows.
 */
export function stubAddonOrder<T extends { fileName: string; scope: 'global' | 'per-uki' }>(addons: readonly T[]): T[] {
  return [
    ...addons.filter((a) => a.scope === 'global').sort(byName),
    ...addons.filter((a) => a.scope === 'per-uki').sort(byName),
  ];
}

/** Combines a UKI (for one profile) with its add-ons the way systemd-stub does. */
export function mergeAddons(
  uki: UkiInput,
  addons: AddonInput[],
  opts: { profile?: number } = {},
): MergedBoot {
  const d = new Diagnostics();
  const model = uki.model ?? parseUki(uki.file);
  const eff = effectiveSections(model, opts.profile);
  if (opts.profile !== undefined && opts.profile > 0 && opts.profile >= model.profiles.length)
    d.warning(
      'UKI_NO_SUCH_PROFILE',
      `profile @${opts.profile} does not exist (the UKI has ${model.profiles.length}); systemd-stub refuses to boot it`,
      { spec: 'fuki §2.4' },
    );
  const text = (file: Uint8Array, name: string, sections = eff): string | undefined => {
    const s = pick(sections, name);
    return s ? sectionText(sectionBytes(file, s.pe)) : undefined;
  };
  const ukiCmdline = text(uki.file, '.cmdline');
  const ukiUname = text(uki.file, '.uname');
  // PCR 12 as systemd-stub's run() extends it (src/boot/stub.c, v262; fuki §2.7 reads "each add-on cmdline", but
  // the stub code, old and new, measures "the additions together"): all add-on command lines appended into one
  // string (global add-ons, then per-UKI, each mangled, joined with a space) measured as ONE event, then the
  // devicetree add-ons (.dtbauto, else .dtb, one per add-on), the ucode add-ons in reverse order, the initrd
  // add-ons in order. (The profile event comes first and is added by the caller; sidecar credential/confext
  // initrds and a custom LoadOptions cmdline are not modelled: a CVM with Secure Boot drops the latter.)
  const dtEvents: Pcr12Event[] = [];
  const ucodeEvents: Pcr12Event[] = [];
  const initrdEvents: Pcr12Event[] = [];
  const ucodeAddons: InitrdPart[] = [];
  const initrdAddons: InitrdPart[] = [];
  let addonCmdline: string | undefined;
  const ordered = stubAddonOrder(addons);
  for (const a of ordered) {
    const m = a.model ?? parseUki(a.file);
    const label = `${a.scope} add-on ${a.fileName}`;
    // A damaged add-on (sections past the end of the file, …) must not yield a command line or a digest: its
    // errors are the merge's (found by the compose fuzz family: a mutated add-on gave launch digests, issue 11).
    for (const x of m.diagnostics) if (x.severity === 'error') d.add({ ...x, message: `${label}: ${x.message}` });
    if (m.base.some((s) => s.name === '.linux') || m.kind === 'uki') {
      d.error('ADDON_HAS_LINUX', `${label} contains .linux; systemd-stub refuses it`, { spec: SPEC });
      continue;
    }
    const addonUname = text(a.file, '.uname', m.base);
    if (addonUname !== undefined && ukiUname !== undefined && addonUname !== ukiUname) {
      d.error(
        'ADDON_UNAME_MISMATCH',
        `${label}: .uname ${addonUname} differs from the UKI's ${ukiUname}; systemd-stub ignores the add-on`,
        { spec: SPEC },
      );
      continue;
    }
    if (!m.base.some((s) => ['.cmdline', '.dtb', '.dtbauto', '.initrd', '.ucode'].includes(s.name)))
      d.warning('ADDON_EMPTY', `${label} has none of .cmdline .dtb .dtbauto .initrd .ucode`, { spec: SPEC });
    const c = text(a.file, '.cmdline', m.base);
    if (c !== undefined) {
      const extra = mangleCmdline(c);
      addonCmdline = addonCmdline ? `${addonCmdline} ${extra}` : extra;
    }
    const dt = pick(m.base, '.dtbauto') ?? pick(m.base, '.dtb');
    if (dt)
      dtEvents.push({
        description: `${label}: ${dt.name}`,
        kind: 'devicetree',
        tag: PCR12_TAGS.devicetreeAddon,
        data: sectionView(a.file, dt.pe),
      });
    const initrd = pick(m.base, '.initrd');
    if (initrd) {
      const data = sectionView(a.file, initrd.pe);
      initrdAddons.push({ source: label, kind: 'initrd', data });
      initrdEvents.push({ description: `${label}: .initrd`, kind: 'initrd', tag: PCR12_TAGS.initrdAddon, data });
    }
    const ucode = pick(m.base, '.ucode');
    if (ucode) {
      const data = sectionView(a.file, ucode.pe);
      ucodeAddons.push({ source: label, kind: 'ucode', data });
      ucodeEvents.push({ description: `${label}: .ucode`, kind: 'ucode', tag: PCR12_TAGS.ucodeAddon, data });
    }
  }
  const pcr12: Pcr12Event[] = [];
  let cmdline = ukiCmdline !== undefined ? mangleCmdline(ukiCmdline) : '';
  const addonsMangled = addonCmdline !== undefined ? mangleCmdline(addonCmdline) : '';
  if (addonsMangled) {
    pcr12.push({
      description: `add-on command lines (${ordered.length} add-on${ordered.length === 1 ? '' : 's'}, one event)`,
      kind: 'cmdline',
      data: utf16z(addonsMangled),
    });
    cmdline = cmdline ? `${cmdline} ${addonsMangled}` : addonsMangled;
  }
  appendAll(pcr12, dtEvents);
  appendAll(pcr12, ucodeEvents.reverse());
  appendAll(pcr12, initrdEvents);
  const initrds: InitrdPart[] = [...ucodeAddons.reverse()];
  const ukiUcode = pick(eff, '.ucode');
  // Views of the files (no copies), so digest caches recognise them across edits.
  if (ukiUcode) initrds.push({ source: 'UKI', kind: 'ucode', data: sectionView(uki.file, ukiUcode.pe) });
  const ukiInitrd = pick(eff, '.initrd');
  if (ukiInitrd) initrds.push({ source: 'UKI', kind: 'initrd', data: sectionView(uki.file, ukiInitrd.pe) });
  appendAll(initrds, initrdAddons);
  return {
    cmdline,
    initrds,
    order: ordered.map((a) => `${a.scope}/${a.fileName}`),
    pcr12,
    diagnostics: [...model.diagnostics.filter((x) => x.severity === 'error'), ...d.done()],
  };
}
