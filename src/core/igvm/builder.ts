// IgvmBuilder: make IGVM files from scratch (FUKI composer, embedded demo, tests). Collects headers into the
// three sections in call order and serializes with serializeIgvm (§12). Platform masks are handed out as
// 0x1, 0x2, 0x4… unless given.
import type { Bytes } from '../bytes/bytes';
import { parseIgvm } from './parse';
import { serializeIgvm } from './serialize';
import {
  IGVM_PAGE_DATA_TYPE,
  IGVM_PAGE_SIZE,
  IGVM_PLATFORM_TYPE,
  IGVM_PLATFORM_TYPE_NAME,
  encodePageDataFlags,
  type IgvmArchitecture,
  type IgvmFileInput,
  type IgvmHeaderInput,
  type IgvmPageDataTypeName,
  type IgvmParameterKind,
  type IgvmParseResult,
  type IgvmPlatformTypeName,
  type NativeVpContextX64,
  type PageDataFlags,
  type VbsVpRegister,
} from './types';

export interface PageOptions {
  gpa: bigint | number;
  mask: number;
  /** Up to 4096 bytes; undefined = zero page (file_offset 0). */
  data?: Uint8Array;
  flags?: number | Partial<PageDataFlags>;
  dataType?: IgvmPageDataTypeName | number;
}

export class IgvmBuilder {
  readonly formatVersion: 1 | 2;
  readonly architecture: IgvmArchitecture;
  readonly platforms: IgvmHeaderInput[] = [];
  readonly initialization: IgvmHeaderInput[] = [];
  readonly directives: IgvmHeaderInput[] = [];
  private usedMasks = 0;
  private nextArea = 0;

  constructor(options: { formatVersion?: 1 | 2; architecture?: IgvmArchitecture } = {}) {
    this.architecture = options.architecture ?? 'X64';
    this.formatVersion = options.formatVersion ?? (this.architecture === 'AArch64' ? 2 : 1);
  }

  /** Declares a platform (§5.1) and returns its compatibility mask. */
  platform(o: { type: IgvmPlatformTypeName | number; mask?: number; highestVtl?: number; sharedGpaBoundary?: bigint; version?: number }): number {
    const platformType = typeof o.type === 'number' ? o.type : IGVM_PLATFORM_TYPE[o.type];
    let mask = o.mask;
    if (mask === undefined) {
      mask = 1;
      while (this.usedMasks & mask && mask !== 0x8000_0000) mask = (mask << 1) >>> 0;
    }
    this.usedMasks |= mask;
    this.platforms.push({
      kind: 'SupportedPlatform',
      compatibilityMask: mask,
      highestVtl: o.highestVtl ?? 0,
      platformType,
      platformName: IGVM_PLATFORM_TYPE_NAME[platformType],
      platformVersion: o.version ?? 1,
      sharedGpaBoundary: o.sharedGpaBoundary ?? 0n,
    });
    return mask;
  }

  guestPolicy(policy: bigint, mask: number): this {
    this.initialization.push({ kind: 'GuestPolicy', policy, compatibilityMask: mask, reserved: 0 });
    return this;
  }

  /** One PAGE_DATA directive (§7.1). */
  page(o: PageOptions): this {
    if (o.data && o.data.length > IGVM_PAGE_SIZE) throw new RangeError(`page data is ${o.data.length} bytes, over 4096`);
    this.directives.push({
      kind: 'PageData',
      gpa: BigInt(o.gpa),
      compatibilityMask: o.mask,
      fileOffset: 0,
      flags: typeof o.flags === 'number' ? o.flags : encodePageDataFlags(o.flags ?? {}),
      dataType: typeof o.dataType === 'string' ? IGVM_PAGE_DATA_TYPE[o.dataType] : (o.dataType ?? 0),
      reserved: 0,
      data: o.data && o.data.length > 0 ? o.data : undefined,
    });
    return this;
  }

  /** PAGE_DATA for every 4 KiB of `data` from `gpa` on (last page zero-padded). */
  pages(o: Omit<PageOptions, 'data'> & { data: Uint8Array }): this {
    const gpa = BigInt(o.gpa);
    for (let off = 0; off < o.data.length; off += IGVM_PAGE_SIZE)
      this.page({ ...o, gpa: gpa + BigInt(off), data: o.data.subarray(off, off + IGVM_PAGE_SIZE) });
    return this;
  }

  /** Declares a parameter area (§7.4) and returns its index. */
  parameterArea(o: { size: number | bigint; index?: number; data?: Uint8Array }): number {
    const index = o.index ?? this.nextArea;
    this.nextArea = Math.max(this.nextArea, index + 1);
    this.directives.push({
      kind: 'ParameterArea',
      numberOfBytes: BigInt(o.size),
      parameterAreaIndex: index,
      fileOffset: 0,
      data: o.data && o.data.length > 0 ? o.data : undefined,
    });
    return index;
  }

  /** A parameter directive (§7.6): the loader writes `kind` at `byteOffset` of area `index`. */
  parameter(kind: IgvmParameterKind, index: number, byteOffset = 0): this {
    this.directives.push({ kind, parameterAreaIndex: index, byteOffset });
    return this;
  }

  parameterInsert(o: { gpa: bigint | number; mask: number; index: number }): this {
    this.directives.push({ kind: 'ParameterInsert', gpa: BigInt(o.gpa), compatibilityMask: o.mask, parameterAreaIndex: o.index });
    return this;
  }

  requiredMemory(o: { gpa: bigint | number; mask: number; size: number; vtl2Protectable?: boolean }): this {
    this.directives.push({
      kind: 'RequiredMemory',
      gpa: BigInt(o.gpa),
      compatibilityMask: o.mask,
      numberOfBytes: o.size,
      flags: o.vtl2Protectable ? 1 : 0,
      reserved: 0,
    });
    return this;
  }

  /** SNP/SEV-ES VMSA VP context (§7.7, §8.1). */
  snpVpContext(o: { gpa: bigint | number; mask: number; vmsa: Uint8Array; vpIndex?: number }): this {
    const vmsa = new Uint8Array(4096);
    vmsa.set(o.vmsa.subarray(0, 4096));
    this.directives.push({
      kind: 'SnpVpContext',
      gpa: BigInt(o.gpa),
      compatibilityMask: o.mask,
      fileOffset: 0,
      vpIndex: o.vpIndex ?? 0,
      reserved: 0,
      vmsa,
    });
    return this;
  }

  nativeVpContext(o: { mask: number; context: NativeVpContextX64; vpIndex?: number }): this {
    this.directives.push({
      kind: 'X64NativeVpContext',
      gpa: 0n,
      compatibilityMask: o.mask,
      fileOffset: 0,
      vpIndex: o.vpIndex ?? 0,
      reserved: 0,
      context: o.context,
      page: new Uint8Array(0),
    });
    return this;
  }

  vbsVpContext(o: { mask: number; vtl?: number; registers: { name: number; value: bigint | Uint8Array }[] }): this {
    const vtl = o.vtl ?? 0;
    const registers: VbsVpRegister[] = o.registers.map((r) => {
      let value: Uint8Array;
      if (r.value instanceof Uint8Array) value = r.value;
      else {
        value = new Uint8Array(16);
        new DataView(value.buffer).setBigUint64(0, r.value, true);
      }
      return { vtl, name: r.name, mbz: new Uint8Array(11), value };
    });
    this.directives.push({
      kind: this.architecture === 'AArch64' ? 'AArch64VbsVpContext' : 'X64VbsVpContext',
      gpa: 0n,
      compatibilityMask: o.mask,
      fileOffset: 0,
      vpIndex: 0,
      reserved: 0,
      vtl,
      registers,
      context: new Uint8Array(0),
    });
    return this;
  }

  /** Any header, as is (initialization or directive by kind; platforms via `platform`). */
  add(h: IgvmHeaderInput): this {
    const init = ['GuestPolicy', 'RelocatableRegion', 'PageTableRelocationRegion', 'CorimDocument', 'CorimSignature', 'CcaPolicy'];
    if (h.kind === 'SupportedPlatform') {
      this.usedMasks |= h.compatibilityMask;
      this.platforms.push(h);
    } else if (init.includes(h.kind) || (h.kind === 'Unknown' && h.section === 'initialization')) this.initialization.push(h);
    else this.directives.push(h);
    return this;
  }

  toInput(): IgvmFileInput {
    return {
      formatVersion: this.formatVersion,
      architecture: this.architecture,
      platforms: this.platforms,
      initialization: this.initialization,
      directives: this.directives,
    };
  }

  build(): Bytes {
    return serializeIgvm(this.toInput());
  }

  /** Builds and parses back, so every header carries its real offsets (and the rules are checked). */
  buildFile(): IgvmParseResult {
    return parseIgvm(this.build());
  }
}
