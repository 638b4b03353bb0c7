// Event data decoders for the events users meet (TCG PFP §10.4): EFI variables (SecureBoot, PK, KEK, db, dbx,
// Boot####, BootOrder), boot-services applications with their device paths, GPT, separators, actions, EV_IPL
// (systemd-stub's UTF-16 section names, Linux command lines), EV_EVENT_TAG (systemd's and Linux's tags) and
// EV_NO_ACTION StartupLocality. Each decoder is bounded by the event's own data and never throws.
import { inBounds, safeNumber, u16, u32, u64 } from '../bytes/bytes';
import type { Diagnostics } from '../diagnostics';
import { EV, EVENT_TAGS, LIMITS, SPEC_PFP } from './constants';
import { decodeDevicePath, KNOWN_GUIDS, utf16Text, type DevicePath } from './device-path';
import { GPT_PARTITION_ENTRY, STARTUP_LOCALITY_EVENT, TAGGED_EVENT, UEFI_GPT_DATA, UEFI_IMAGE_LOAD_EVENT, UEFI_VARIABLE_DATA } from './layout';
import type { LogEvent, SpecIdEvent } from './parse';
import { decodeStruct, type DecodedField } from './struct';

export interface GptPartition {
  typeGuid: string;
  uniqueGuid: string;
  startingLba: bigint;
  endingLba: bigint;
  attributes: bigint;
  name: string;
}

export type DecodedEventData =
  | { kind: 'spec-id'; specId: SpecIdEvent }
  | { kind: 'startup-locality'; locality: number; fields: DecodedField[] }
  | { kind: 'no-action'; signature: string }
  | { kind: 'separator'; value: number; error: boolean }
  | { kind: 'text'; text: string; encoding: 'ascii' | 'utf16' }
  | {
      kind: 'variable';
      guid: string;
      vendor?: string;
      name: string;
      /** VariableData (a view of the event data). */
      value: Uint8Array;
      valueOffset: number;
      fields: DecodedField[];
      /** Decoded Boot#### (EFI_LOAD_OPTION), BootOrder, SecureBoot. */
      loadOption?: { attributes: number; description: string; devicePath: DevicePath; optionalData: number };
      bootOrder?: number[];
      enabled?: boolean;
    }
  | { kind: 'image'; location: bigint; length: bigint; linkTimeAddress: bigint; devicePath: DevicePath; fields: DecodedField[] }
  | { kind: 'gpt'; diskGuid: string; partitions: GptPartition[]; fields: DecodedField[] }
  | { kind: 'tagged'; tag: number; tagName?: string; payload: Uint8Array; text?: string; fields: DecodedField[] }
  | { kind: 'blob'; base: bigint; length: bigint; description?: string }
  | { kind: 'raw' };

/** Text if the bytes look like UTF-16LE text (printable, NUL-terminated or not), else undefined. */
export function asUtf16(b: Uint8Array): string | undefined {
  if (b.length < 2 || b.length % 2 !== 0) return undefined;
  let s = '';
  for (let o = 0; o < b.length; o += 2) {
    const c = u16(b, o);
    if (c === 0) return o + 2 === b.length ? s : undefined;
    if (c < 0x09 || (c > 0x0d && c < 0x20)) return undefined;
    s += String.fromCharCode(c);
  }
  return s;
}

/** Text if the bytes are printable ASCII (an optional trailing NUL allowed). */
export function asAscii(b: Uint8Array): string | undefined {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0) return i === b.length - 1 || b.subarray(i).every((x) => x === 0) ? s : undefined;
    if (c < 0x09 || (c > 0x0d && c < 0x20) || c > 0x7e) return undefined;
    s += String.fromCharCode(c);
  }
  return s;
}

function text(b: Uint8Array): DecodedEventData {
  const a = asAscii(b);
  if (a !== undefined && !(b.length >= 2 && b[1] === 0)) return { kind: 'text', text: a, encoding: 'ascii' };
  const w = asUtf16(b);
  if (w !== undefined) return { kind: 'text', text: w, encoding: 'utf16' };
  return a !== undefined ? { kind: 'text', text: a, encoding: 'ascii' } : { kind: 'raw' };
}

function variable(e: LogEvent, d: Diagnostics): DecodedEventData {
  const b = e.data;
  const h = decodeStruct(UEFI_VARIABLE_DATA, b, 0, e.dataOffset);
  if (!h) return { kind: 'raw' };
  const nameLen = h.values.unicodeNameLength;
  const dataLen = h.values.variableDataLength;
  const nameBytes = nameLen * 2n;
  if (32n + nameBytes + dataLen > BigInt(b.length)) {
    d.warning('EVENTLOG_VARIABLE_TRUNCATED', `event #${e.index}: UEFI_VARIABLE_DATA claims more bytes than the event has`, {
      offset: e.dataOffset,
      index: e.index,
      spec: 'TCG PFP §10.4.6',
    });
    return { kind: 'raw' };
  }
  const nameEnd = 32 + safeNumber(nameBytes);
  const name = utf16Text(b, 32, nameEnd);
  const value = b.subarray(nameEnd, nameEnd + safeNumber(dataLen));
  const out: Extract<DecodedEventData, { kind: 'variable' }> = {
    kind: 'variable',
    guid: h.values.variableName,
    name,
    value,
    valueOffset: e.dataOffset + nameEnd,
    fields: h.fields,
  };
  const vendor = KNOWN_GUIDS[out.guid];
  if (vendor) out.vendor = vendor;
  if (/^Boot[0-9A-F]{4}$/.test(name) && value.length >= 6) {
    const attributes = u32(value, 0);
    const fpLen = u16(value, 4);
    let o = 6;
    let description = '';
    while (o + 1 < value.length && u16(value, o) !== 0) {
      description += String.fromCharCode(u16(value, o));
      o += 2;
    }
    o += 2;
    const fpEnd = Math.min(value.length, o + fpLen);
    out.loadOption = {
      attributes,
      description,
      devicePath: decodeDevicePath(value, o, fpEnd, out.valueOffset),
      optionalData: Math.max(0, value.length - fpEnd),
    };
  } else if (name === 'BootOrder' && value.length % 2 === 0) {
    out.bootOrder = [];
    for (let o = 0; o < value.length; o += 2) out.bootOrder.push(u16(value, o));
  } else if (name === 'SecureBoot' && value.length === 1) {
    out.enabled = value[0] === 1;
  }
  return out;
}

function image(e: LogEvent): DecodedEventData {
  const h = decodeStruct(UEFI_IMAGE_LOAD_EVENT, e.data, 0, e.dataOffset);
  if (!h) return { kind: 'raw' };
  const len = h.values.lengthOfDevicePath;
  const end = len > BigInt(e.data.length - 32) ? e.data.length : 32 + Number(len);
  return {
    kind: 'image',
    location: h.values.imageLocationInMemory,
    length: h.values.imageLengthInMemory,
    linkTimeAddress: h.values.imageLinkTimeAddress,
    devicePath: decodeDevicePath(e.data, 32, end, e.dataOffset),
    fields: h.fields,
  };
}

function gpt(e: LogEvent): DecodedEventData {
  const h = decodeStruct(UEFI_GPT_DATA, e.data, 0, e.dataOffset);
  if (!h) return { kind: 'raw' };
  const n = h.values.numberOfPartitions;
  const entrySize = h.values.sizeOfPartitionEntry;
  const partitions: GptPartition[] = [];
  if (entrySize >= GPT_PARTITION_ENTRY.size && n <= BigInt(LIMITS.gptPartitions)) {
    for (let i = 0; i < Number(n); i++) {
      const at = UEFI_GPT_DATA.size + i * entrySize;
      const p = decodeStruct(GPT_PARTITION_ENTRY, e.data, at);
      if (!p) break;
      partitions.push({
        typeGuid: p.values.partitionTypeGuid,
        uniqueGuid: p.values.uniquePartitionGuid,
        startingLba: p.values.startingLba,
        endingLba: p.values.endingLba,
        attributes: p.values.attributes,
        name: utf16Text(p.values.partitionName),
      });
    }
  }
  return { kind: 'gpt', diskGuid: h.values.diskGuid, partitions, fields: h.fields };
}

function tagged(e: LogEvent): DecodedEventData {
  const h = decodeStruct(TAGGED_EVENT, e.data, 0, e.dataOffset);
  if (!h) return text(e.data);
  const size = h.values.taggedEventDataSize;
  const payload = e.data.subarray(8, Math.min(e.data.length, 8 + size));
  const tag = h.values.taggedEventId;
  const out: Extract<DecodedEventData, { kind: 'tagged' }> = { kind: 'tagged', tag, payload, fields: h.fields };
  const name = EVENT_TAGS[tag];
  if (name) out.tagName = name;
  const t = asAscii(payload) ?? asUtf16(payload);
  if (t !== undefined) out.text = t;
  return out;
}

/** Decodes `e.data` by event type. */
export function decodeEventData(e: LogEvent, d: Diagnostics): DecodedEventData {
  const b = e.data;
  switch (e.type) {
    case EV.NO_ACTION: {
      const loc = decodeStruct(STARTUP_LOCALITY_EVENT, b, 0, e.dataOffset);
      if (loc && loc.values.signature === 'StartupLocality')
        return { kind: 'startup-locality', locality: loc.values.startupLocality, fields: loc.fields };
      let sig = '';
      for (let i = 0; i < Math.min(16, b.length) && b[i] !== 0; i++) sig += String.fromCharCode(b[i]!);
      return { kind: 'no-action', signature: sig };
    }
    case EV.SEPARATOR: {
      if (b.length !== 4) {
        d.warning('EVENTLOG_SEPARATOR_SIZE', `event #${e.index}: separator has ${b.length} bytes of data (4 expected)`, {
          offset: e.dataOffset,
          index: e.index,
          spec: SPEC_PFP,
        });
        return { kind: 'raw' };
      }
      const value = u32(b, 0);
      return { kind: 'separator', value, error: value === 1 };
    }
    case EV.ACTION:
    case EV.EFI_ACTION:
    case EV.IPL:
    case EV.S_CRTM_VERSION:
    case 0x1: // EV_POST_CODE: usually "POST CODE", "SMM CODE", "ACPI DATA"… (TCG PFP §10.4.1)
      if (e.type === 0x1 && b.length === 16) return { kind: 'blob', base: u64(b, 0), length: u64(b, 8) };
      return text(b);
    case EV.EFI_VARIABLE_DRIVER_CONFIG:
    case EV.EFI_VARIABLE_BOOT:
    case EV.EFI_VARIABLE_BOOT2:
    case EV.EFI_VARIABLE_AUTHORITY:
      return variable(e, d);
    case EV.EFI_BOOT_SERVICES_APPLICATION:
    case EV.EFI_BOOT_SERVICES_DRIVER:
    case EV.EFI_RUNTIME_SERVICES_DRIVER:
      return image(e);
    case EV.EFI_GPT_EVENT:
    case EV.EFI_GPT_EVENT2:
      return gpt(e);
    case EV.EVENT_TAG:
      return tagged(e);
    case EV.EFI_PLATFORM_FIRMWARE_BLOB:
      return b.length === 16 ? { kind: 'blob', base: u64(b, 0), length: u64(b, 8) } : { kind: 'raw' };
    case EV.EFI_PLATFORM_FIRMWARE_BLOB2: {
      const n = b[0] ?? 0;
      if (!inBounds(b, 1 + n, 16)) return { kind: 'raw' };
      let description = '';
      for (let i = 1; i <= n && b[i] !== 0; i++) description += String.fromCharCode(b[i]!);
      return { kind: 'blob', base: u64(b, 1 + n), length: u64(b, 9 + n), description };
    }
    default:
      return { kind: 'raw' };
  }
}

/** One line describing an event's data, for listings. */
export function describeEventData(x: DecodedEventData | undefined): string {
  if (!x) return '';
  switch (x.kind) {
    case 'spec-id':
      return `${x.specId.signature}: ${x.specId.algorithms.map((a) => a.algorithm).join(', ')}`;
    case 'startup-locality':
      return `StartupLocality ${x.locality}`;
    case 'no-action':
      return x.signature;
    case 'separator':
      return x.error ? 'separator (error)' : `separator 0x${x.value.toString(16).padStart(8, '0')}`;
    case 'text':
      return x.text;
    case 'variable': {
      let s = `${x.vendor ?? x.guid}:${x.name}`;
      if (x.loadOption) s += ` "${x.loadOption.description}" ${x.loadOption.devicePath.text}`;
      if (x.bootOrder) s += ` ${x.bootOrder.map((n) => n.toString(16).padStart(4, '0')).join(',')}`;
      if (x.enabled !== undefined) s += ` ${x.enabled ? 'enabled' : 'disabled'}`;
      return s;
    }
    case 'image':
      return x.devicePath.text || `image at 0x${x.location.toString(16)} (${x.length} bytes)`;
    case 'gpt':
      return `GPT ${x.diskGuid}: ${x.partitions.length} partition${x.partitions.length === 1 ? '' : 's'}`;
    case 'tagged':
      return `tag 0x${x.tag.toString(16).padStart(8, '0')}${x.tagName ? ` (${x.tagName})` : ''}${x.text !== undefined ? `: ${x.text}` : ''}`;
    case 'blob':
      return `${x.description ? x.description + ' ' : ''}0x${x.base.toString(16)}+0x${x.length.toString(16)}`;
    case 'raw':
      return '';
  }
}
