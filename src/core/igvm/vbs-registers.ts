// Hyper-V register names the Rust parser accepts in VBS VP contexts (§8.3; HvX64RegisterName / HvArm64RegisterName).

function table(entries: [string, number][]): Readonly<Record<number, string>> {
  const t: Record<number, string> = {};
  for (const [n, v] of entries) t[v] = n;
  return t;
}

const range = (prefix: string, first: number, count: number, start = 0): [string, number][] =>
  Array.from({ length: count }, (_, i) => [`${prefix}${start + i}`, first + i]);

export const VBS_X64_REGISTER_NAMES = table([
  ['Rsp', 0x20004],
  ['Rbp', 0x20005],
  ['Rsi', 0x20006],
  ...range('R', 0x20008, 5, 8),
  ['Rip', 0x20010],
  ['Rflags', 0x20011],
  ['Cr0', 0x40000],
  ['Cr3', 0x40002],
  ['Cr4', 0x40003],
  ['Es', 0x60000],
  ['Cs', 0x60001],
  ['Ss', 0x60002],
  ['Ds', 0x60003],
  ['Fs', 0x60004],
  ['Gs', 0x60005],
  ['Tr', 0x60007],
  ['Idtr', 0x70000],
  ['Gdtr', 0x70001],
  ['Efer', 0x80001],
  ['Pat', 0x80004],
  ['MsrMtrrDefType', 0x8000e],
  ...range('MsrMtrrPhysBase', 0x80010, 5),
  ...range('MsrMtrrPhysMask', 0x80040, 5),
  ['MsrMtrrFix64k00000', 0x80070],
  ['MsrMtrrFix16k80000', 0x80071],
  ['MsrMtrrFix4kE0000', 0x80077],
  ['MsrMtrrFix4kE8000', 0x80078],
  ['MsrMtrrFix4kF0000', 0x80079],
  ['MsrMtrrFix4kF8000', 0x8007a],
]);

export const VBS_AARCH64_REGISTER_NAMES = table([
  ...range('X', 0x20000, 8),
  ['XPc', 0x20022],
  ['Cpsr', 0x20023],
  ['SctlrEl1', 0x40002],
  ['Ttbr0El1', 0x40005],
  ['Ttbr1El1', 0x40006],
  ['TcrEl1', 0x40007],
  ['MairEl1', 0x4000b],
  ['VbarEl1', 0x4000c],
]);
