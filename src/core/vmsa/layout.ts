// The SEV-ES/SNP VMSA page layout (igvm-format-and-measurement.md §8.1; AMD APM vol. 2 table B-4 "VMSA layout",
// Linux `struct sev_es_save_area`). 4096 bytes; everything not listed here is reserved.

export type VmsaFieldKind = 'segment' | 'u8' | 'u16' | 'u32' | 'u64' | 'bytes';

export interface VmsaFieldDef {
  name: string;
  offset: number;
  kind: VmsaFieldKind;
  /** Only for 'bytes'. */
  size?: number;
}

export const VMSA_SIZE = 4096;

const seg = (name: string, offset: number): VmsaFieldDef => ({ name, offset, kind: 'segment' });
const q = (name: string, offset: number): VmsaFieldDef => ({ name, offset, kind: 'u64' });

export const VMSA_FIELDS: readonly VmsaFieldDef[] = [
  seg('es', 0x000),
  seg('cs', 0x010),
  seg('ss', 0x020),
  seg('ds', 0x030),
  seg('fs', 0x040),
  seg('gs', 0x050),
  seg('gdtr', 0x060),
  seg('ldtr', 0x070),
  seg('idtr', 0x080),
  seg('tr', 0x090),
  q('pl0_ssp', 0x0a0),
  q('pl1_ssp', 0x0a8),
  q('pl2_ssp', 0x0b0),
  q('pl3_ssp', 0x0b8),
  q('u_cet', 0x0c0),
  { name: 'vmpl', offset: 0x0ca, kind: 'u8' },
  { name: 'cpl', offset: 0x0cb, kind: 'u8' },
  q('efer', 0x0d0),
  q('xss', 0x140),
  q('cr4', 0x148),
  q('cr3', 0x150),
  q('cr0', 0x158),
  q('dr7', 0x160),
  q('dr6', 0x168),
  q('rflags', 0x170),
  q('rip', 0x178),
  q('dr0', 0x180),
  q('dr1', 0x188),
  q('dr2', 0x190),
  q('dr3', 0x198),
  q('dr0_addr_mask', 0x1a0),
  q('dr1_addr_mask', 0x1a8),
  q('dr2_addr_mask', 0x1b0),
  q('dr3_addr_mask', 0x1b8),
  q('rsp', 0x1d8),
  q('s_cet', 0x1e0),
  q('ssp', 0x1e8),
  q('isst_addr', 0x1f0),
  q('rax', 0x1f8),
  q('star', 0x200),
  q('lstar', 0x208),
  q('cstar', 0x210),
  q('sfmask', 0x218),
  q('kernel_gs_base', 0x220),
  q('sysenter_cs', 0x228),
  q('sysenter_esp', 0x230),
  q('sysenter_eip', 0x238),
  q('cr2', 0x240),
  q('g_pat', 0x268),
  q('dbgctl', 0x270),
  q('br_from', 0x278),
  q('br_to', 0x280),
  q('last_excp_from', 0x288),
  q('last_excp_to', 0x290),
  q('spec_ctrl', 0x2e0),
  { name: 'pkru', offset: 0x2e8, kind: 'u32' },
  { name: 'tsc_aux', offset: 0x2ec, kind: 'u32' },
  q('tsc_scale', 0x2f0),
  q('tsc_offset', 0x2f8),
  q('rcx', 0x308),
  q('rdx', 0x310),
  q('rbx', 0x318),
  q('rbp', 0x328),
  q('rsi', 0x330),
  q('rdi', 0x338),
  q('r8', 0x340),
  q('r9', 0x348),
  q('r10', 0x350),
  q('r11', 0x358),
  q('r12', 0x360),
  q('r13', 0x368),
  q('r14', 0x370),
  q('r15', 0x378),
  q('exit_info_1', 0x390),
  q('exit_info_2', 0x398),
  q('exit_int_info', 0x3a0),
  q('next_rip', 0x3a8),
  q('sev_features', 0x3b0),
  q('v_intr_cntrl', 0x3b8),
  q('guest_exit_code', 0x3c0),
  q('virtual_tom', 0x3c8),
  q('tlb_id', 0x3d0),
  q('pcpu_id', 0x3d8),
  q('event_inject', 0x3e0),
  q('xcr0', 0x3e8),
  { name: 'xsave_valid_bitmap', offset: 0x3f0, kind: 'bytes', size: 16 },
  q('x87_dp', 0x400),
  { name: 'mxcsr', offset: 0x408, kind: 'u32' },
  { name: 'x87_ftw', offset: 0x40c, kind: 'u16' },
  { name: 'x87_fsw', offset: 0x40e, kind: 'u16' },
  { name: 'x87_fcw', offset: 0x410, kind: 'u16' },
  { name: 'x87_fop', offset: 0x412, kind: 'u16' },
  { name: 'x87_ds', offset: 0x414, kind: 'u16' },
  { name: 'x87_cs', offset: 0x416, kind: 'u16' },
  q('x87_rip', 0x418),
  { name: 'fpreg_x87', offset: 0x420, kind: 'bytes', size: 80 },
  { name: 'fpreg_xmm', offset: 0x470, kind: 'bytes', size: 256 },
  { name: 'fpreg_ymm', offset: 0x570, kind: 'bytes', size: 256 },
];

export const VMSA_FIELD_SIZE: Record<VmsaFieldKind, number> = {
  segment: 16,
  u8: 1,
  u16: 2,
  u32: 4,
  u64: 8,
  bytes: 0,
};

export function fieldSize(f: VmsaFieldDef): number {
  return f.kind === 'bytes' ? f.size! : VMSA_FIELD_SIZE[f.kind];
}

export const VMSA_FIELD_BY_NAME: ReadonlyMap<string, VmsaFieldDef> = new Map(
  VMSA_FIELDS.map((f) => [f.name, f]),
);

/** SEV_FEATURES bits (igvm-format §8.1). */
export const SEV_FEATURE_BITS: Readonly<Record<number, string>> = {
  0: 'SNPActive',
  1: 'vTOM',
  2: 'ReflectVC',
  3: 'RestrictedInjection',
  4: 'AlternateInjection',
  5: 'DebugSwap',
  6: 'PreventHostIBS',
  7: 'BTBIsolation',
  8: 'VmplSSS',
  9: 'SecureTSC',
  14: 'VmsaRegProt',
  15: 'SmtProtection',
};

export function sevFeatureNames(v: bigint): string[] {
  const out: string[] = [];
  for (let bit = 0; bit < 64; bit++) {
    if ((v >> BigInt(bit)) & 1n) out.push(SEV_FEATURE_BITS[bit] ?? `bit${bit}`);
  }
  return out;
}
