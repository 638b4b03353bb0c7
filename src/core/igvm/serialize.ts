// serializeIgvm: writes a model the way the Rust serializer does (§12): platform, initialization, directive
// headers in the given order with exact lengths and zero padding; file data right after the headers, blobs in
// first-use order and de-duplicated by content; checksum last. Throws RangeError on a model it cannot write.
// With `{ layout: 'preserve' }` it instead keeps what producers such as igvmgen do (§17.3, §20): no
// de-duplication and the header padding bytes found in the parsed file, so their files round-trip exactly.
import { crc32 } from '../bytes/crc32';
import { alignUp, equalBytes, put16, put32, put64, type Bytes } from '../bytes/bytes';
import { igvmChecksum } from './fixed-header';
import {
  CCA_VP_CONTEXT_SIZE,
  IGVM_BODY_SIZE,
  IGVM_FIXED_HEADER_V1_SIZE,
  IGVM_FIXED_HEADER_V2_SIZE,
  IGVM_MAGIC,
  IGVM_PAGE_SIZE,
  IGVM_PARAMETER_TYPE_BY_KIND,
  IGVM_VHT,
  NATIVE_X64_VP_CONTEXT_SIZE,
  SNP_VMSA_SIZE,
  VBS_VP_CONTEXT_HEADER_SIZE,
  VBS_VP_CONTEXT_REGISTER_SIZE,
  type IgvmFileInput,
  type IgvmHeaderInput,
  type IgvmHeaderKind,
  type NativeVpContextX64,
  type VbsVpRegister,
} from './types';

const TYPE_BY_KIND: Partial<Record<IgvmHeaderKind, number>> = {
  SupportedPlatform: IGVM_VHT.SUPPORTED_PLATFORM,
  GuestPolicy: IGVM_VHT.GUEST_POLICY,
  RelocatableRegion: IGVM_VHT.RELOCATABLE_REGION,
  PageTableRelocationRegion: IGVM_VHT.PAGE_TABLE_RELOCATION_REGION,
  CorimDocument: IGVM_VHT.CORIM_DOCUMENT,
  CorimSignature: IGVM_VHT.CORIM_SIGNATURE,
  CcaPolicy: IGVM_VHT.CCA_POLICY,
  PageData: IGVM_VHT.PAGE_DATA,
  ParameterArea: IGVM_VHT.PARAMETER_AREA,
  ParameterInsert: IGVM_VHT.PARAMETER_INSERT,
  RequiredMemory: IGVM_VHT.REQUIRED_MEMORY,
  SnpVpContext: IGVM_VHT.VP_CONTEXT,
  X64NativeVpContext: IGVM_VHT.VP_CONTEXT,
  X64VbsVpContext: IGVM_VHT.VP_CONTEXT,
  AArch64VbsVpContext: IGVM_VHT.VP_CONTEXT,
  AArch64CcaVpContext: IGVM_VHT.VP_CONTEXT,
  VpContext: IGVM_VHT.VP_CONTEXT,
  ErrorRange: IGVM_VHT.ERROR_RANGE,
  SnpIdBlock: IGVM_VHT.SNP_ID_BLOCK,
  VbsMeasurement: IGVM_VHT.VBS_MEASUREMENT,
  ...IGVM_PARAMETER_TYPE_BY_KIND,
};

export function headerTypeOf(h: IgvmHeaderInput): number {
  if (h.kind === 'Unknown') return h.type ?? 0;
  return TYPE_BY_KIND[h.kind]!;
}

function bodySizeOf(h: IgvmHeaderInput): number {
  return h.kind === 'Unknown' ? h.body.length : IGVM_BODY_SIZE[headerTypeOf(h)]!;
}

/** File data with the serializer's content de-duplication (§12 step 4). */
class FileData {
  private readonly blobs: Uint8Array[] = [];
  private readonly seen = new Map<string, { blob: Uint8Array; offset: number }[]>();
  length = 0;
  private readonly start: number;
  private readonly deduplicate: boolean;
  constructor(start: number, deduplicate: boolean) {
    this.start = start;
    this.deduplicate = deduplicate;
  }

  /** Absolute offset of `blob`, appended unless an identical blob was written already (and de-duplicating). */
  add(blob: Uint8Array): number {
    if (!this.deduplicate) return this.append(blob);
    const key = `${blob.length}:${crc32(blob)}`;
    const candidates = this.seen.get(key) ?? [];
    for (const c of candidates) if (equalBytes(c.blob, blob)) return c.offset;
    const offset = this.append(blob);
    candidates.push({ blob, offset });
    this.seen.set(key, candidates);
    return offset;
  }
  /** Appends without de-duplication (CoRIM payloads) and returns the offset. */
  append(blob: Uint8Array): number {
    const offset = this.start + this.length;
    this.blobs.push(blob);
    this.length += blob.length;
    return offset;
  }
  writeTo(out: Uint8Array, at: number): void {
    for (const b of this.blobs) {
      out.set(b, at);
      at += b.length;
    }
  }
}

function padded(data: Uint8Array, size: number, what: string): Bytes {
  if (data.length > size) throw new RangeError(`${what}: ${data.length} bytes of data exceed ${size}`);
  const out = new Uint8Array(size);
  out.set(data);
  return out;
}

export function encodeNativeContext(c: NativeVpContextX64): Bytes {
  const p = new Uint8Array(NATIVE_X64_VP_CONTEXT_SIZE);
  const gprs = [c.rax, c.rcx, c.rdx, c.rbx, c.rsp, c.rbp, c.rsi, c.rdi, c.r8, c.r9, c.r10, c.r11, c.r12, c.r13, c.r14, c.r15];
  gprs.forEach((v, i) => put64(p, i * 8, v));
  put64(p, 0x80, c.rip);
  put64(p, 0x88, c.rflags);
  put64(p, 0x90, c.idtrBase);
  put16(p, 0x98, c.idtrLimit);
  put16(p, 0x9a, c.reserved[0]);
  put16(p, 0x9c, c.reserved[1]);
  put16(p, 0x9e, c.gdtrLimit);
  put64(p, 0xa0, c.gdtrBase);
  put16(p, 0xa8, c.codeSelector);
  put16(p, 0xaa, c.codeAttributes);
  put32(p, 0xac, c.codeBase);
  put32(p, 0xb0, c.codeLimit);
  put16(p, 0xb4, c.dataSelector);
  put16(p, 0xb6, c.dataAttributes);
  put32(p, 0xb8, c.dataBase);
  put32(p, 0xbc, c.dataLimit);
  put64(p, 0xc0, c.gsBase);
  put64(p, 0xc8, c.cr0);
  put64(p, 0xd0, c.cr3);
  put64(p, 0xd8, c.cr4);
  put64(p, 0xe0, c.efer);
  return p;
}

export function encodeVbsContext(registers: readonly Pick<VbsVpRegister, 'vtl' | 'name' | 'value'>[]): Bytes {
  const out = new Uint8Array(VBS_VP_CONTEXT_HEADER_SIZE + registers.length * VBS_VP_CONTEXT_REGISTER_SIZE);
  put32(out, 0, registers.length);
  registers.forEach((r, i) => {
    const o = VBS_VP_CONTEXT_HEADER_SIZE + i * VBS_VP_CONTEXT_REGISTER_SIZE;
    out[o] = r.vtl;
    put32(out, o + 1, r.name);
    out.set(r.value.subarray(0, 16), o + 16);
  });
  return out;
}

/** Writes one header body into `body` (already sized and zeroed), adding its blob to `data`. */
function writeBody(h: IgvmHeaderInput, body: Uint8Array, data: FileData): void {
  const blob = (d: Uint8Array | undefined, size: number, what: string) =>
    d === undefined || d.length === 0 ? 0 : data.add(padded(d, size, what));
  switch (h.kind) {
    case 'SupportedPlatform':
      put32(body, 0, h.compatibilityMask);
      body[4] = h.highestVtl;
      body[5] = h.platformType;
      put16(body, 6, h.platformVersion);
      put64(body, 8, h.sharedGpaBoundary);
      return;
    case 'GuestPolicy':
      put64(body, 0, h.policy);
      put32(body, 8, h.compatibilityMask);
      return;
    case 'RelocatableRegion':
      put32(body, 0, h.compatibilityMask);
      put16(body, 4, h.vpIndex);
      body[6] = h.vtl;
      body[7] = h.flags;
      put64(body, 8, h.relocationAlignment);
      put64(body, 0x10, h.relocationRegionGpa);
      put64(body, 0x18, h.relocationRegionSize);
      put64(body, 0x20, h.minimumRelocationGpa);
      put64(body, 0x28, h.maximumRelocationGpa);
      return;
    case 'PageTableRelocationRegion':
      put32(body, 0, h.compatibilityMask);
      put16(body, 4, h.vpIndex);
      body[6] = h.vtl;
      put64(body, 8, h.gpa);
      put64(body, 0x10, h.size);
      put64(body, 0x18, h.usedSize);
      return;
    case 'CorimDocument':
    case 'CorimSignature': {
      const payload = h.data ?? new Uint8Array(0);
      put32(body, 0, h.compatibilityMask);
      put32(body, 4, data.append(payload));
      put32(body, 8, payload.length);
      return;
    }
    case 'CcaPolicy':
      put32(body, 0, h.compatibilityMask);
      put64(body, 8, h.attributesRequiredZeroes);
      put64(body, 0x10, h.attributesRequiredOnes);
      body[0x18] = h.hashAlgorithm;
      body[0x19] = h.lfaPolicy;
      return;
    case 'PageData':
      put64(body, 0, h.gpa);
      put32(body, 8, h.compatibilityMask);
      put32(body, 12, blob(h.data, IGVM_PAGE_SIZE, 'page data'));
      put32(body, 16, h.flags);
      put16(body, 20, h.dataType);
      return;
    case 'ParameterArea':
      put64(body, 0, h.numberOfBytes);
      put32(body, 8, h.parameterAreaIndex);
      put32(body, 12, blob(h.data, Number(h.numberOfBytes), 'parameter area'));
      return;
    case 'ParameterInsert':
      put64(body, 0, h.gpa);
      put32(body, 8, h.compatibilityMask);
      put32(body, 12, h.parameterAreaIndex);
      return;
    case 'RequiredMemory':
      put64(body, 0, h.gpa);
      put32(body, 8, h.compatibilityMask);
      put32(body, 12, h.numberOfBytes);
      put32(body, 16, h.flags);
      return;
    case 'ErrorRange':
      put64(body, 0, h.gpa);
      put32(body, 8, h.compatibilityMask);
      put32(body, 12, h.sizeBytes);
      return;
    case 'SnpVpContext':
    case 'X64NativeVpContext':
    case 'X64VbsVpContext':
    case 'AArch64VbsVpContext':
    case 'AArch64CcaVpContext':
    case 'VpContext': {
      let gpa = 0n;
      let vpIndex = h.vpIndex;
      let offset: number;
      if (h.kind === 'SnpVpContext') {
        gpa = h.gpa;
        offset = data.add(padded(h.vmsa, SNP_VMSA_SIZE, 'VMSA'));
      } else if (h.kind === 'X64NativeVpContext') {
        offset = data.add(padded(encodeNativeContext(h.context), SNP_VMSA_SIZE, 'native context'));
      } else if (h.kind === 'AArch64CcaVpContext') {
        offset = data.add(padded(h.page.subarray(0, CCA_VP_CONTEXT_SIZE), SNP_VMSA_SIZE, 'CCA context'));
      } else if (h.kind === 'VpContext') {
        gpa = h.gpa;
        offset = h.data && h.data.length > 0 ? data.add(h.data) : 0;
      } else {
        vpIndex = 0;
        offset = data.add(encodeVbsContext(h.registers));
      }
      put64(body, 0, gpa);
      put32(body, 8, h.compatibilityMask);
      put32(body, 12, offset);
      put16(body, 16, vpIndex);
      return;
    }
    case 'SnpIdBlock': {
      put32(body, 0, h.compatibilityMask);
      body[4] = h.authorKeyEnabled;
      body.set(h.reserved.subarray(0, 3), 5);
      body.set(h.ld.subarray(0, 48), 8);
      body.set(h.familyId.subarray(0, 16), 0x38);
      body.set(h.imageId.subarray(0, 16), 0x48);
      put32(body, 0x58, h.version);
      put32(body, 0x5c, h.guestSvn);
      put32(body, 0x60, h.idKeyAlgorithm);
      put32(body, 0x64, h.authorKeyAlgorithm);
      const sig = (o: number, s: { rComp: Uint8Array; sComp: Uint8Array }) => {
        body.set(s.rComp.subarray(0, 72), o);
        body.set(s.sComp.subarray(0, 72), o + 72);
      };
      const key = (o: number, k: { curve: number; reserved: number; qx: Uint8Array; qy: Uint8Array }) => {
        put32(body, o, k.curve);
        put32(body, o + 4, k.reserved);
        body.set(k.qx.subarray(0, 72), o + 8);
        body.set(k.qy.subarray(0, 72), o + 80);
      };
      sig(0x68, h.idKeySignature);
      key(0xf8, h.idPublicKey);
      sig(0x190, h.authorKeySignature);
      key(0x220, h.authorPublicKey);
      return;
    }
    case 'VbsMeasurement':
      [h.compatibilityMask, h.version, h.productId, h.moduleId, h.securityVersion, h.policyFlags, h.bootDigestAlgo, h.signingAlgo].forEach(
        (v, i) => put32(body, i * 4, v),
      );
      body.set(h.bootMeasurementDigest.subarray(0, 64), 0x20);
      body.set(h.signature.subarray(0, 256), 0x60);
      body.set(h.publicKey.subarray(0, 512), 0x160);
      return;
    case 'Unknown':
      body.set(h.body);
      return;
    default:
      // Parameter kinds (§7.6).
      put32(body, 0, h.parameterAreaIndex);
      put32(body, 4, h.byteOffset);
  }
}

export interface SerializeIgvmOptions {
  /** 'canonical' (default): the Rust serializer's layout. 'preserve': no de-duplication, padding kept from `raw`. */
  layout?: 'canonical' | 'preserve';
}

/** The padding bytes after a header body as found in the parsed file, when the record has the same shape. */
function foundPadding(h: IgvmHeaderInput, size: number): Uint8Array | undefined {
  const padded = alignUp(size, 8);
  return h.raw && h.raw.length === 8 + padded && h.bodyLength === size ? h.raw.subarray(8 + size) : undefined;
}

export function serializeIgvm(file: IgvmFileInput, options: SerializeIgvmOptions = {}): Bytes {
  const preserve = options.layout === 'preserve';
  const v2 = file.formatVersion === 2;
  const fixedSize = v2 ? IGVM_FIXED_HEADER_V2_SIZE : IGVM_FIXED_HEADER_V1_SIZE;
  const headers = [...file.platforms, ...file.initialization, ...file.directives];
  const vhSize = headers.reduce((n, h) => n + 8 + alignUp(bodySizeOf(h), 8), 0);
  const data = new FileData(fixedSize + vhSize, !preserve);
  const vh = new Uint8Array(vhSize);
  let pos = 0;
  // Blobs are produced in header order; platforms have none, so this walk equals RS's init-then-directives walk.
  for (const h of headers) {
    const size = bodySizeOf(h);
    put32(vh, pos, headerTypeOf(h));
    put32(vh, pos + 4, size);
    writeBody(h, vh.subarray(pos + 8, pos + 8 + size), data);
    const padding = preserve ? foundPadding(h, size) : undefined;
    if (padding) vh.set(padding, pos + 8 + size);
    pos += 8 + alignUp(size, 8);
  }
  const total = fixedSize + vhSize + data.length;
  if (total > 0xffffffff) throw new RangeError(`IGVM file would be ${total} bytes, over 4 GiB`);
  const out = new Uint8Array(total);
  put32(out, 0, IGVM_MAGIC);
  put32(out, 4, file.formatVersion);
  put32(out, 8, fixedSize);
  put32(out, 12, vhSize);
  put32(out, 16, total);
  if (v2) {
    put32(out, 0x18, file.architecture === 'AArch64' ? 1 : 0);
    put32(out, 0x1c, IGVM_PAGE_SIZE);
  }
  out.set(vh, fixedSize);
  data.writeTo(out, fixedSize + vhSize);
  put32(out, 20, igvmChecksum(out.subarray(0, fixedSize), vh));
  return out;
}
