// The fixed-layout structures of event logs and their event data, one field table each (struct.ts).
import { defineStruct } from './struct';

/** TCG_PCR_EVENT: the SHA-1 log format and the first event of a crypto-agile log (TCG PFP §10.2.1). */
export const TCG_PCR_EVENT = defineStruct({
  name: 'TCG_PCR_EVENT',
  size: 32,
  spec: 'TCG PFP §10.2.1',
  fields: [
    { name: 'pcrIndex', offset: 0, kind: 'u32' },
    { name: 'eventType', offset: 4, kind: 'u32' },
    { name: 'digest', offset: 8, kind: 'bytes', size: 20 },
    { name: 'eventSize', offset: 28, kind: 'u32' },
  ],
} as const);

/** TCG_PCR_EVENT2 up to its digest count; TPML_DIGEST_VALUES and eventSize follow (TCG PFP §10.2.2). */
export const TCG_PCR_EVENT2_HEAD = defineStruct({
  name: 'TCG_PCR_EVENT2',
  size: 12,
  spec: 'TCG PFP §10.2.2',
  fields: [
    { name: 'pcrIndex', offset: 0, kind: 'u32' },
    { name: 'eventType', offset: 4, kind: 'u32' },
    { name: 'digestCount', offset: 8, kind: 'u32' },
  ],
} as const);

/** TCG_EfiSpecIDEventStruct up to numberOfAlgorithms (TCG PFP §10.4.5.1); the algorithm sizes follow. */
export const SPEC_ID_EVENT = defineStruct({
  name: 'TCG_EfiSpecIDEventStruct',
  size: 28,
  spec: 'TCG PFP §10.4.5.1',
  fields: [
    { name: 'signature', offset: 0, kind: 'ascii', size: 16 },
    { name: 'platformClass', offset: 16, kind: 'u32' },
    { name: 'specVersionMinor', offset: 20, kind: 'u8' },
    { name: 'specVersionMajor', offset: 21, kind: 'u8' },
    { name: 'specErrata', offset: 22, kind: 'u8' },
    { name: 'uintnSize', offset: 23, kind: 'u8' },
    { name: 'numberOfAlgorithms', offset: 24, kind: 'u32' },
  ],
} as const);

/** TCG_EfiSpecIdEventAlgorithmSize. */
export const SPEC_ID_ALGORITHM = defineStruct({
  name: 'TCG_EfiSpecIdEventAlgorithmSize',
  size: 4,
  spec: 'TCG PFP §10.4.5.1',
  fields: [
    { name: 'algorithmId', offset: 0, kind: 'u16' },
    { name: 'digestSize', offset: 2, kind: 'u16' },
  ],
} as const);

/** ACPI "CCEL" table (ACPI 6.5 §5.2.34 CC Event Log ACPI Table; TDX GHCI). 56 bytes. */
export const ACPI_CCEL = defineStruct({
  name: 'ACPI CCEL',
  size: 56,
  spec: 'evidence §3 (TDX CCEL); ACPI 6.5 §5.2.34',
  fields: [
    { name: 'signature', offset: 0, kind: 'ascii', size: 4 },
    { name: 'length', offset: 4, kind: 'u32' },
    { name: 'revision', offset: 8, kind: 'u8' },
    { name: 'checksum', offset: 9, kind: 'u8' },
    { name: 'oemId', offset: 10, kind: 'ascii', size: 6 },
    { name: 'oemTableId', offset: 16, kind: 'ascii', size: 8 },
    { name: 'oemRevision', offset: 24, kind: 'u32' },
    { name: 'creatorId', offset: 28, kind: 'ascii', size: 4 },
    { name: 'creatorRevision', offset: 32, kind: 'u32' },
    { name: 'ccType', offset: 36, kind: 'u8' },
    { name: 'ccSubtype', offset: 37, kind: 'u8' },
    { name: 'reserved', offset: 38, kind: 'u16' },
    { name: 'logAreaMinimumLength', offset: 40, kind: 'u64' },
    { name: 'logAreaStartAddress', offset: 48, kind: 'u64' },
  ],
} as const);

/** UEFI_VARIABLE_DATA up to the name (TCG PFP §10.4.6); UnicodeName then VariableData follow. */
export const UEFI_VARIABLE_DATA = defineStruct({
  name: 'UEFI_VARIABLE_DATA',
  size: 32,
  spec: 'TCG PFP §10.4.6',
  fields: [
    { name: 'variableName', offset: 0, kind: 'guid' },
    { name: 'unicodeNameLength', offset: 16, kind: 'u64' },
    { name: 'variableDataLength', offset: 24, kind: 'u64' },
  ],
} as const);

/** UEFI_IMAGE_LOAD_EVENT up to the device path (TCG PFP §10.4.3). */
export const UEFI_IMAGE_LOAD_EVENT = defineStruct({
  name: 'UEFI_IMAGE_LOAD_EVENT',
  size: 32,
  spec: 'TCG PFP §10.4.3',
  fields: [
    { name: 'imageLocationInMemory', offset: 0, kind: 'u64' },
    { name: 'imageLengthInMemory', offset: 8, kind: 'u64' },
    { name: 'imageLinkTimeAddress', offset: 16, kind: 'u64' },
    { name: 'lengthOfDevicePath', offset: 24, kind: 'u64' },
  ],
} as const);

/** EFI_PARTITION_TABLE_HEADER (UEFI 2.10 §5.3.2) followed by NumberOfPartitions (UEFI_GPT_DATA, TCG PFP §10.4.7). */
export const UEFI_GPT_DATA = defineStruct({
  name: 'UEFI_GPT_DATA',
  size: 100,
  spec: 'TCG PFP §10.4.7; UEFI §5.3.2',
  fields: [
    { name: 'signature', offset: 0, kind: 'ascii', size: 8 },
    { name: 'revision', offset: 8, kind: 'u32' },
    { name: 'headerSize', offset: 12, kind: 'u32' },
    { name: 'headerCrc32', offset: 16, kind: 'u32' },
    { name: 'myLba', offset: 24, kind: 'u64' },
    { name: 'alternateLba', offset: 32, kind: 'u64' },
    { name: 'firstUsableLba', offset: 40, kind: 'u64' },
    { name: 'lastUsableLba', offset: 48, kind: 'u64' },
    { name: 'diskGuid', offset: 56, kind: 'guid' },
    { name: 'partitionEntryLba', offset: 72, kind: 'u64' },
    { name: 'numberOfPartitionEntries', offset: 80, kind: 'u32' },
    { name: 'sizeOfPartitionEntry', offset: 84, kind: 'u32' },
    { name: 'partitionEntryArrayCrc32', offset: 88, kind: 'u32' },
    { name: 'numberOfPartitions', offset: 92, kind: 'u64' },
  ],
} as const);

/** EFI_PARTITION_ENTRY (UEFI §5.3.3); the 72-byte UTF-16 name is decoded separately. */
export const GPT_PARTITION_ENTRY = defineStruct({
  name: 'EFI_PARTITION_ENTRY',
  size: 128,
  spec: 'UEFI §5.3.3',
  fields: [
    { name: 'partitionTypeGuid', offset: 0, kind: 'guid' },
    { name: 'uniquePartitionGuid', offset: 16, kind: 'guid' },
    { name: 'startingLba', offset: 32, kind: 'u64' },
    { name: 'endingLba', offset: 40, kind: 'u64' },
    { name: 'attributes', offset: 48, kind: 'u64' },
    { name: 'partitionName', offset: 56, kind: 'bytes', size: 72 },
  ],
} as const);

/** TCG_PCClientTaggedEvent (TCG PFP §10.4.2.1). */
export const TAGGED_EVENT = defineStruct({
  name: 'TCG_PCClientTaggedEvent',
  size: 8,
  spec: 'TCG PFP §10.4.2.1',
  fields: [
    { name: 'taggedEventId', offset: 0, kind: 'u32' },
    { name: 'taggedEventDataSize', offset: 4, kind: 'u32' },
  ],
} as const);

/** TCG_EfiStartupLocalityEvent (TCG PFP §10.4.5.3): "StartupLocality\0" then the locality. */
export const STARTUP_LOCALITY_EVENT = defineStruct({
  name: 'TCG_EfiStartupLocalityEvent',
  size: 17,
  spec: 'TCG PFP §10.4.5.3',
  fields: [
    { name: 'signature', offset: 0, kind: 'ascii', size: 16 },
    { name: 'startupLocality', offset: 16, kind: 'u8' },
  ],
} as const);

/** EFI_DEVICE_PATH_PROTOCOL node header (UEFI §10.3.1). */
export const DEVICE_PATH_NODE = defineStruct({
  name: 'EFI_DEVICE_PATH_PROTOCOL',
  size: 4,
  spec: 'UEFI §10.3.1',
  fields: [
    { name: 'type', offset: 0, kind: 'u8' },
    { name: 'subType', offset: 1, kind: 'u8' },
    { name: 'length', offset: 2, kind: 'u16' },
  ],
} as const);
