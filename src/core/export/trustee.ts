// Reference values for Trustee (confidential-containers/trustee): the names its default EAR policy looks up
// with query_reference_value — `snp_launch_measurement` (input.snp.measurement), `mr_td`
// (input.tdx.quote.body.mr_td), `rtmr_1` / `rtmr_2` — as the RVPS "sample" provenance (a JSON object of
// name → list of values) and the RVPS registration message that carries it base64-encoded
// (`{ version: "0.1.0", type: "sample", payload }`, what `rvps-tool register --message` takes).
import type { ReferenceValue } from './reference-values';
import { uniqueReferenceValues } from './reference-values';

export type TrusteeReferenceName = 'snp_launch_measurement' | 'mr_td' | 'rtmr_1' | 'rtmr_2';

/** RVPS sample provenance: every name with at least one value. */
export type TrusteeReferenceValues = Partial<Record<TrusteeReferenceName, string[]>>;

export interface TrusteeRvpsMessage {
  version: '0.1.0';
  type: 'sample';
  /** base64 of the JSON of a TrusteeReferenceValues. */
  payload: string;
}

export interface TrusteeExtras {
  /** Predicted TDX RTMR[1] / RTMR[2] (lowercase hex SHA-384), e.g. from predictTdxRtmrs. */
  rtmr1?: readonly string[];
  rtmr2?: readonly string[];
}

const SHA384_HEX = /^[0-9a-f]{96}$/;

/** The Trustee reference values of launch measurements (VBS has no Trustee name and is left out). */
export function trusteeReferenceValues(values: readonly ReferenceValue[], extras: TrusteeExtras = {}): TrusteeReferenceValues {
  const out: TrusteeReferenceValues = {};
  const add = (name: TrusteeReferenceName, digest: string) => {
    const list = (out[name] ??= []);
    if (!list.includes(digest)) list.push(digest);
  };
  for (const v of uniqueReferenceValues(values)) {
    if (v.platform === 'SEV_SNP') add('snp_launch_measurement', v.digest);
    else if (v.platform === 'TDX') add('mr_td', v.digest);
  }
  for (const d of extras.rtmr1 ?? []) if (SHA384_HEX.test(d)) add('rtmr_1', d);
  for (const d of extras.rtmr2 ?? []) if (SHA384_HEX.test(d)) add('rtmr_2', d);
  return out;
}

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]!);
  return btoa(bin);
}

/** The RVPS registration message for these reference values. */
export function trusteeRvpsMessage(values: TrusteeReferenceValues): TrusteeRvpsMessage {
  return { version: '0.1.0', type: 'sample', payload: base64(JSON.stringify(values)) };
}
