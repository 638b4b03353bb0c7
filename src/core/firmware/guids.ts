// GUIDs of the OVMF reset-vector footer table (fuki-uki-kernel-hashes.md §4.2.1; edk2
// OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.nasm.inc) and of the coconut-svsm SVSM info entry.

/** The footer entry itself, at end − 0x30 (GPA 0xFFFFFFD0): {u16 total length, GUID}. */
export const OVMF_TABLE_FOOTER_GUID = '96b582de-1fb2-45f7-baea-a366c55a082d';

/** Known entries of the footer table (§4.2.1). */
export const FOOTER_GUID = {
  SEV_ES_RESET_BLOCK: '00f771de-1a7e-4fcb-890e-68c77e2fb44e',
  SEV_HASH_TABLE: '7255371f-3a3b-4b04-927b-1da6efa8d454',
  SEV_SECRET: '4c2eb361-7d9b-4cc3-8081-127c90d3d294',
  SEV_METADATA: 'dc886566-984a-4798-a75e-5585a7bf67cc',
  TDX_METADATA: 'e47a6535-984a-4798-865e-4685a7bf8ec2',
  IGVM_METADATA: '784fa70e-3176-4677-8a20-04b68699e374',
  /** coconut-svsm: u32 offset of the SVSM entry point from the image base (sev-snp-measure `ovmf.py` SVSM). */
  SVSM_INFO: 'a789a612-0597-4c4b-a49f-cbb1fe9d1ddd',
} as const;

export const FOOTER_GUID_NAME: Record<string, string> = {
  [OVMF_TABLE_FOOTER_GUID]: 'OVMF table footer',
  [FOOTER_GUID.SEV_ES_RESET_BLOCK]: 'SEV-ES AP reset block',
  [FOOTER_GUID.SEV_HASH_TABLE]: 'SEV kernel-hashes table location',
  [FOOTER_GUID.SEV_SECRET]: 'SEV launch secret location',
  [FOOTER_GUID.SEV_METADATA]: 'SEV metadata offset (ASEV)',
  [FOOTER_GUID.TDX_METADATA]: 'TDX metadata offset (TDVF)',
  [FOOTER_GUID.IGVM_METADATA]: 'IGVM metadata offset (edk2)',
  [FOOTER_GUID.SVSM_INFO]: 'SVSM info (entry offset)',
};
