// The `fukiscope` library: the public API of src/core (pure TypeScript, no DOM, no Node built-ins; ESM,
// tree-shakeable — `sideEffects: false` in package.json, so importing only `measureIgvm` bundles only what it
// uses). Built by `vite build --config vite.lib.config.ts` into dist-lib/ with `.d.ts` from tsc.
// Everything exported here is public and follows semantic versioning (CHANGELOG.md).

/** The library's version (package.json). */
export { TOOL_VERSION as VERSION, TOOL } from './version';

// Measure: one call from bytes to gated digests, and the engines under it.
export { measureIgvm, type IgvmMeasureResult, type IgvmLaunchMeasurement, type IgvmMeasureOptions } from './api/measure';
export {
  measureIgvm as measureIgvmModel,
  measurePlatform,
  type PlatformMeasurement,
  type MeasureOptions,
  type MeasureAlgorithm,
} from './measure/measure-igvm';
export { SNP_PROFILES, TDX_ORDERS, type SnpProfile, type TdxOrder, type SnpOptions } from './measure/options';

// Parse / inspect.
export { detectFileKind, type FileKind } from './detect';
export { parseIgvm, type ParseIgvmOptions } from './igvm/parse';
export { summarizeIgvm, type IgvmSummary } from './igvm/summary';
export { serializeIgvm } from './igvm/serialize';
export type { IgvmFile, IgvmPlatformTypeName } from './igvm/types';
export { parsePe } from './pe/parse';
export { parseUki, type UkiModel } from './uki/model';
export { ukiPcr11 } from './uki/pcr';
export { predictTdxRtmrs, type TdxRtmrPrediction } from './uki/tdx-rtmr';
export { parseFirmware } from './firmware/firmware';
export { measureClassic } from './classic/classic';
export type { ClassicOptions, ClassicResult } from './classic/types';

// Compose a FUKI / an IGVM from OVMF + kernel + initrd + command line.
export { ComposeSession, composeProfileOf, type ComposeInput, type ComposeResult, type ComposeSettings } from './fuki/compose';
export type { BootBlobs } from './fuki/inputs';
export { parseComposeSettings, parseMeasureSettings, LAUNCH_DEFAULTS, type LaunchSettingsText } from './settings/launch-settings';
export { buildUki, type BuildUkiOptions } from './uki/build';

// Verify attestation evidence (SNP reports, TDX quotes) and compare it with a launch.
export {
  decodeEvidence,
  verifyEvidence,
  evidenceSummary,
  certificatesFrom,
  fieldsHex,
  type Evidence,
  type EvidenceVerification,
} from './attest/evidence';
export { compareSnp, compareTdx, snpLaunchOfIgvm, tdxLaunchOfIgvm } from './attest/compare';

// Event logs (TCG PC Client / CCEL): parse and replay.
export { parseTcgLog } from './eventlog/parse';
export { parseCcel } from './eventlog/ccel';
export { replayLog, compareReplay } from './eventlog/replay';

// Receipts and reference-value exports.
export { composeReceipt, igvmFirmwareReceipt, measurementReceipt, contentFileName, type Receipt } from './fuki/receipt';
export {
  launchMeasurementCorim,
  corimTagId,
  CORIM_PROFILE_URI,
  CORIM_PLATFORMS,
  type CorimOptions,
} from './export/corim';
export {
  referenceValuesOfMeasurements,
  referenceValuesOfReceipt,
  type ReferenceValue,
  type ReferencePlatform,
} from './export/reference-values';
export { trusteeReferenceValues, trusteeRvpsMessage, type TrusteeReferenceValues, type TrusteeRvpsMessage } from './export/trustee';
export { publishedReceipt, RECEIPT_SCHEMA, RECEIPT_SCHEMA_ID, TRUSTEE_SCHEMA, TRUSTEE_SCHEMA_ID } from './export/receipt-json';

// Diagnostics and helpers.
export { digestBlocker, hasErrors, Diagnostics, type Diagnostic, type Severity } from './diagnostics';
export { toHex, fromHex, type Bytes } from './bytes/bytes';
export { setDefaultHash, defaultHash, type HashBackend, type HashAlgorithm } from './hash/hash';
