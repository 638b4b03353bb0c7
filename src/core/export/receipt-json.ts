// The receipt as published JSON: the typed receipt (src/core/fuki/receipt.ts) with `$schema` naming the
// versioned JSON Schema it validates against (receipt.schema.json, shipped in the package).
import type { Receipt } from '../fuki/receipt';
import receiptSchema from './receipt.schema.json';
import trusteeSchema from './trustee.schema.json';

export const RECEIPT_SCHEMA_ID = 'urn:fukiscope:schema:receipt:v1';
export const TRUSTEE_SCHEMA_ID = 'urn:fukiscope:schema:trustee-reference-values:v1';

/** The receipt's JSON Schema (draft 2020-12). */
export const RECEIPT_SCHEMA: object = receiptSchema;
/** The JSON Schema of the Trustee reference values (and, under $defs/message, the RVPS message). */
export const TRUSTEE_SCHEMA: object = trusteeSchema;

export type PublishedReceipt = Receipt & { $schema: typeof RECEIPT_SCHEMA_ID };

/** The receipt with its schema id first. */
export function publishedReceipt(r: Receipt): PublishedReceipt {
  return { $schema: RECEIPT_SCHEMA_ID, ...r };
}
