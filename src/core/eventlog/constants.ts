// Event log constants: event types (TCG PC Client Platform Firmware Profile §10.4.1), TPM algorithm IDs (TCG
// Algorithm Registry), and the event tags systemd and Linux log (evidence-and-eventlogs.md §3–§4).
import type { HashAlgorithm } from '../hash/hash';

export const SPEC_PFP = 'evidence §3 (TCG PC Client PFP)';
export const SPEC_CCEL = 'evidence §3 (TDX CCEL)';
export const SPEC_BOOTLAB = 'evidence §4';

const EFI = 0x80000000;

/** TCG PFP §10.4.1 Table "Events". */
export const EVENT_TYPES: Readonly<Record<number, string>> = {
  0x0: 'EV_PREBOOT_CERT',
  0x1: 'EV_POST_CODE',
  0x2: 'EV_UNUSED',
  0x3: 'EV_NO_ACTION',
  0x4: 'EV_SEPARATOR',
  0x5: 'EV_ACTION',
  0x6: 'EV_EVENT_TAG',
  0x7: 'EV_S_CRTM_CONTENTS',
  0x8: 'EV_S_CRTM_VERSION',
  0x9: 'EV_CPU_MICROCODE',
  0xa: 'EV_PLATFORM_CONFIG_FLAGS',
  0xb: 'EV_TABLE_OF_DEVICES',
  0xc: 'EV_COMPACT_HASH',
  0xd: 'EV_IPL',
  0xe: 'EV_IPL_PARTITION_DATA',
  0xf: 'EV_NONHOST_CODE',
  0x10: 'EV_NONHOST_CONFIG',
  0x11: 'EV_NONHOST_INFO',
  0x12: 'EV_OMIT_BOOT_DEVICE_EVENTS',
  0x13: 'EV_POST_CODE2',
  [EFI + 0x1]: 'EV_EFI_VARIABLE_DRIVER_CONFIG',
  [EFI + 0x2]: 'EV_EFI_VARIABLE_BOOT',
  [EFI + 0x3]: 'EV_EFI_BOOT_SERVICES_APPLICATION',
  [EFI + 0x4]: 'EV_EFI_BOOT_SERVICES_DRIVER',
  [EFI + 0x5]: 'EV_EFI_RUNTIME_SERVICES_DRIVER',
  [EFI + 0x6]: 'EV_EFI_GPT_EVENT',
  [EFI + 0x7]: 'EV_EFI_ACTION',
  [EFI + 0x8]: 'EV_EFI_PLATFORM_FIRMWARE_BLOB',
  [EFI + 0x9]: 'EV_EFI_HANDOFF_TABLES',
  [EFI + 0xa]: 'EV_EFI_PLATFORM_FIRMWARE_BLOB2',
  [EFI + 0xb]: 'EV_EFI_HANDOFF_TABLES2',
  [EFI + 0xc]: 'EV_EFI_VARIABLE_BOOT2',
  [EFI + 0xd]: 'EV_EFI_GPT_EVENT2',
  [EFI + 0x10]: 'EV_EFI_HCRTM_EVENT',
  [EFI + 0xe0]: 'EV_EFI_VARIABLE_AUTHORITY',
  [EFI + 0xe1]: 'EV_EFI_SPDM_FIRMWARE_BLOB',
  [EFI + 0xe2]: 'EV_EFI_SPDM_FIRMWARE_CONFIG',
  [EFI + 0xe3]: 'EV_EFI_SPDM_DEVICE_POLICY',
  [EFI + 0xe4]: 'EV_EFI_SPDM_DEVICE_AUTHORITY',
};

export const EV = {
  NO_ACTION: 0x3,
  SEPARATOR: 0x4,
  ACTION: 0x5,
  EVENT_TAG: 0x6,
  S_CRTM_VERSION: 0x8,
  COMPACT_HASH: 0xc,
  IPL: 0xd,
  OMIT_BOOT_DEVICE_EVENTS: 0x12,
  EFI_VARIABLE_DRIVER_CONFIG: EFI + 0x1,
  EFI_VARIABLE_BOOT: EFI + 0x2,
  EFI_BOOT_SERVICES_APPLICATION: EFI + 0x3,
  EFI_BOOT_SERVICES_DRIVER: EFI + 0x4,
  EFI_RUNTIME_SERVICES_DRIVER: EFI + 0x5,
  EFI_GPT_EVENT: EFI + 0x6,
  EFI_ACTION: EFI + 0x7,
  EFI_PLATFORM_FIRMWARE_BLOB: EFI + 0x8,
  EFI_HANDOFF_TABLES: EFI + 0x9,
  EFI_PLATFORM_FIRMWARE_BLOB2: EFI + 0xa,
  EFI_HANDOFF_TABLES2: EFI + 0xb,
  EFI_VARIABLE_BOOT2: EFI + 0xc,
  EFI_GPT_EVENT2: EFI + 0xd,
  EFI_VARIABLE_AUTHORITY: EFI + 0xe0,
} as const;

export const eventTypeName = (t: number): string => EVENT_TYPES[t] ?? `EV_UNKNOWN_0x${t.toString(16)}`;

/** TCG Algorithm Registry IDs. Only the four we can hash are replayed; others are parsed by their Spec ID size. */
export const TPM_ALG: Readonly<Record<number, { name: string; hash?: HashAlgorithm }>> = {
  0x0004: { name: 'sha1', hash: 'sha1' },
  0x000b: { name: 'sha256', hash: 'sha256' },
  0x000c: { name: 'sha384', hash: 'sha384' },
  0x000d: { name: 'sha512', hash: 'sha512' },
  0x0012: { name: 'sm3_256' },
  0x0027: { name: 'sha3_256' },
  0x0028: { name: 'sha3_384' },
  0x0029: { name: 'sha3_512' },
};

export const algName = (id: number): string => TPM_ALG[id]?.name ?? `alg_0x${id.toString(16).padStart(4, '0')}`;

/** EV_EVENT_TAG IDs (systemd src/boot/measure.h and tpm2-util; Linux drivers/firmware/efi/libstub/efistub.h). */
export const EVENT_TAGS: Readonly<Record<number, string>> = {
  0x13aed6db: 'systemd: UKI profile selected',
  0x6c46f751: 'systemd: devicetree add-on',
  0x49dffe0f: 'systemd: initrd add-on',
  0xdac08e1a: 'systemd: ucode add-on',
  0xf5bc582a: 'systemd-boot: loader.conf',
  0xd5cb7cbc: 'systemd-stub: smbios:type1',
  0x8f3b22ec: 'Linux: initrd',
  0x8f3b22ed: 'Linux: LoadOptions',
};

/** The EV_EFI_ACTION strings edk2 logs around ExitBootServices (TCG PFP §10.4.4). */
export const EXIT_BOOT_SERVICES_INVOCATION = 'Exit Boot Services Invocation';
export const EXIT_BOOT_SERVICES_SUCCESS = 'Exit Boot Services Returned with Success';

/** Hard limits (project rule: every size read from a file is bounded). */
export const LIMITS = {
  logBytes: 64 * 1024 * 1024,
  events: 100_000,
  eventDataBytes: 16 * 1024 * 1024,
  digestsPerEvent: 16,
  specIdAlgorithms: 16,
  devicePathNodes: 64,
  gptPartitions: 1024,
} as const;
