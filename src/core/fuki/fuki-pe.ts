// The UKI route: the composed IGVM (or a raw firmware image) in a UKI as a systemd `.efifw` section, next to the
// usual `.linux .initrd .cmdline .osrel .uname .sbat` (fuki-uki-kernel-hashes.md §1.3 variant B, §1.5). The PCR 11
// prediction is reported twice: as ukify/systemd-measure predict it (without `.efifw`) and as systemd-stub would
// extend it if it selected the blob (§6 item 4).
import type { Bytes } from '../bytes/bytes';
import { Diagnostics, type Diagnostic } from '../diagnostics';
import { isSigned } from '../pe/access';
import { addOrReplaceSection } from '../pe/edit';
import { parsePe } from '../pe/parse';
import { buildUki, type SectionInput } from '../uki/build';
import { decodeEfifw, encodeEfifw } from '../uki/efifw';
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
    const edited = addOrReplaceSection(o.source.uki, { name: '.efifw', data: efifw, mode: 'append' });
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
    const built = buildUki({ stub: s.stub, sections, kind: 'uki' });
    for (const x of built.diagnostics) d.add(x);
    file = built.file;
  }
  if (!file) {
    d.error('FUKI_PE_BUILD', 'the FUKI PE could not be built (see the diagnostics above)');
    return fail();
  }
  const model = parseUki(file);
  const blob = model.pe.sections.find((s) => s.name === '.efifw');
  let payloadRoundTrips = false;
  if (blob) {
    const bytes = file.subarray(blob.data.offset, blob.data.offset + blob.data.length);
    const scratch = new Diagnostics();
    const decoded = decodeEfifw(bytes, scratch);
    if (decoded && decoded.fwid === o.fwid) {
      const p = bytes.subarray(decoded.payload.offset, decoded.payload.offset + decoded.payload.length);
      payloadRoundTrips = p.length === o.payload.length && p.every((v, i) => v === o.payload[i]);
    }
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
