// The UKI route: the composed IGVM (or a raw firmware image) in a UKI as a systemd `.efifw` section, next to the
// usual `.linux .initrd .cmdline .osrel .uname .sbat` (fuki-uki-kernel-hashes.md §1.3 variant B, §1.5). The PCR 11
// prediction is reported twice: as ukify/systemd-measure predict it (without `.efifw`) and as systemd-stub would
// extend it if it selected the blob (§6 item 4).
import type { Bytes } from '../bytes/bytes';
import { Diagnostics, type Diagnostic } from '../diagnostics';
import { findSection, isSigned, sectionBytes } from '../pe/access';
import { editSections, type SectionEdit } from '../pe/edit';
import { parsePe } from '../pe/parse';
import { buildUki, type SectionInput } from '../uki/build';
import { decodeEfifw, encodeEfifw } from '../uki/efifw';
import { decodeHwids, encodeHwids, hwidDevices, type HwidDevice } from '../uki/hwids';
import { parseUki, type UkiModel } from '../uki/model';
import { ukiPcr11, type Pcr11Prediction } from '../uki/pcr';

export type FukiPeSource =
  | { uki: Uint8Array }
  | {
      stub: Uint8Array;
      kernel: Uint8Array;
      initrd?: Uint8Array;
      cmdline?: string;
      osRelease?: string;
      uname?: string;
    };

export interface FukiPeOptions {
  /** The `.efifw` payload: the composed IGVM. */
  payload: Uint8Array;
  /** Firmware-ID written into the `.efifw` header (ukify: the `--efifw=DIR` directory name). */
  fwid: string;
  source: FukiPeSource;
  /**
   * Optional `.hwids` device of type uefi-fw binding these CHIDs to the `.efifw` fwid (ukify --hwids; fuki §1.5),
   * merged into a `.hwids` the UKI already has. Selection by the stub is unsettled (§1.5), so this is advisory.
   */
  hwids?: { name: string; chids: string[] };
}

export interface FukiPeResult {
  file?: Bytes;
  model?: UkiModel;
  /** PCR 11 as ukify/systemd-measure predict it (`.efifw` not included). */
  pcr11Ukify?: Pcr11Prediction;
  /** PCR 11 if systemd-stub selected this `.efifw` (it would extend it; §1.5). */
  pcr11Stub?: Pcr11Prediction;
  /** Whether the `.efifw` payload read back from the PE equals the given payload byte for byte. */
  payloadRoundTrips: boolean;
  caveat: string;
  diagnostics: Diagnostic[];
}

export const EFIFW_PCR_CAVEAT =
  'ukify adds .efifw unmeasured, so its PCR 11 prediction leaves the firmware out; systemd-stub would extend PCR 11 ' +
  'with a selected .efifw (stored stubs never select one: .hwids matching runs only for device trees). Both values are given.';

export function buildFukiPe(o: FukiPeOptions): FukiPeResult {
  const d = new Diagnostics();
  const fail = (): FukiPeResult => ({ payloadRoundTrips: false, caveat: EFIFW_PCR_CAVEAT, diagnostics: d.done() });
  let efifw: Bytes;
  try {
    efifw = encodeEfifw(o.fwid, o.payload);
  } catch (e) {
    d.error('FUKI_BAD_FWID', e instanceof Error ? e.message : String(e), { spec: 'fuki §1.5' });
    return fail();
  }
  let hwidsSection: (existing?: Uint8Array) => Bytes | undefined = () => undefined;
  if (o.hwids) {
    const own: HwidDevice = { type: 'uefi-fw', name: o.hwids.name, value: o.fwid, chids: o.hwids.chids };
    hwidsSection = (existing) => {
      const kept = existing ? hwidDevices(decodeHwids(existing, d)) : [];
      return encodeHwids([...kept, own]);
    };
    try {
      hwidsSection();
    } catch (e) {
      d.error('FUKI_BAD_HWIDS', e instanceof Error ? e.message : String(e), { spec: 'fuki §1.5' });
      return fail();
    }
  }
  let file: Bytes | undefined;
  if ('uki' in o.source) {
    const pe = parsePe(o.source.uki);
    if (!pe.ok) {
      for (const x of pe.diagnostics) d.add(x);
      d.error('FUKI_UKI_UNREADABLE', 'the UKI is not a readable PE file');
      return fail();
    }
    if (isSigned(pe))
      d.warning(
        'FUKI_SIGNATURE_DROPPED',
        'the UKI is signed; adding .efifw changes its Authenticode digest, so it must be signed again',
        { spec: 'fuki §3.3' },
      );
    const edits: SectionEdit[] = [{ name: '.efifw', data: efifw, mode: 'append' }];
    if (o.hwids) {
      const old = findSection(pe, '.hwids');
      edits.push({ name: '.hwids', data: hwidsSection(old && sectionBytes(o.source.uki, old))!, mode: old ? 'replace' : 'append' });
    }
    const edited = editSections(o.source.uki, edits, { replaceScope: Number.MAX_SAFE_INTEGER });
    for (const x of edited.diagnostics) d.add(x);
    file = edited.file;
  } else {
    const s = o.source;
    const sections: SectionInput[] = [{ name: '.linux', data: s.kernel }];
    if (s.osRelease !== undefined) sections.push({ name: '.osrel', data: s.osRelease });
    if (s.cmdline !== undefined) sections.push({ name: '.cmdline', data: s.cmdline });
    if (s.initrd) sections.push({ name: '.initrd', data: s.initrd });
    if (s.uname !== undefined) sections.push({ name: '.uname', data: s.uname });
    sections.push({ name: '.efifw', data: efifw });
    const hw = hwidsSection();
    if (hw) sections.push({ name: '.hwids', data: hw });
    const built = buildUki({ stub: s.stub, sections, kind: 'uki' });
    for (const x of built.diagnostics) d.add(x);
    file = built.file;
  }
  if (!file) {
    d.error('FUKI_PE_BUILD', 'the FUKI PE could not be built (see the diagnostics above)');
    return fail();
  }
  const model = parseUki(file);
  // The .efifw we wrote: the last one with our fwid (a UKI may already carry others; .efifw may repeat, §1.5).
  let payloadRoundTrips = false;
  for (const blob of model.pe.sections.filter((s) => s.name === '.efifw').reverse()) {
    const bytes = file.subarray(blob.data.offset, blob.data.offset + blob.data.length);
    const decoded = decodeEfifw(bytes, new Diagnostics());
    if (!decoded || decoded.fwid !== o.fwid) continue;
    const p = bytes.subarray(decoded.payload.offset, decoded.payload.offset + decoded.payload.length);
    payloadRoundTrips = p.length === o.payload.length && p.every((v, i) => v === o.payload[i]);
    break;
  }
  if (!payloadRoundTrips) d.error('FUKI_EFIFW_MISMATCH', 'the .efifw payload read back differs from the IGVM');
  return {
    file,
    model,
    pcr11Ukify: ukiPcr11(file, model, { efifw: 'ukify' }),
    pcr11Stub: ukiPcr11(file, model, { efifw: 'stub' }),
    payloadRoundTrips,
    caveat: EFIFW_PCR_CAVEAT,
    diagnostics: d.done(),
  };
}
