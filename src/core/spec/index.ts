// Spec references: diagnostics cite `<doc> §<section>` (e.g. `fuki §4.2.3`, `igvm-format §14.2.3`), optionally
// with more sections (`fuki §1.5, §6 item 4`) or a note on the source the section restates
// (`evidence §1 (SEV-SNP ABI, ATTESTATION_REPORT)`). That is the one format: `<doc>` is a project spec id or
// a listed external spec. resolveSpecRef turns one into the sections a reader can open in
// the app's spec index (public/spec-index.html, generated with docs/spec-index.md by scripts/spec-index.mjs).
import { SPEC_DOCUMENTS } from './sections.generated';
import type { SpecDocument, SpecSection } from './types';

export type { SpecDocument, SpecSection } from './types';
export { SPEC_DOCUMENTS };

/** Specs outside the project cited by their own numbering (no index entry: named, not linked). */
export const EXTERNAL_SPECS: Record<string, string> = {
  'TDVF design guide': 'Intel TDX Virtual Firmware Design Guide (metadata and section types in §11)',
  UEFI: 'UEFI Specification',
  'TCG PFP': 'TCG PC Client Platform Firmware Profile Specification (event log structures in §10)',
  ACPI: 'Advanced Configuration and Power Interface Specification',
};

export interface ResolvedSpecRef {
  doc: SpecDocument;
  section: SpecSection;
  /** Anchor in spec-index.html / docs/spec-index.md. */
  anchor: string;
}

export const specAnchor = (doc: string, section: string): string => `${doc}-${section.replace(/\./g, '-')}`;

const REF = /^(.+?) §(.+)$/;

/**
 * The sections `ref` cites, or undefined when the prefix is not a project spec, or any cited section does
 * not exist. `§6 item 4` resolves to §6.
 */
export function resolveSpecRef(ref: string): ResolvedSpecRef[] | undefined {
  // A trailing note names the outside source a section restates: `evidence §1 (SEV-SNP ABI, ATTESTATION_REPORT)`.
  const m = REF.exec(ref.trim().replace(/\s*\([^()]*\)$/, ''));
  if (!m) return undefined;
  const doc = SPEC_DOCUMENTS.find((d) => d.id === m[1]);
  if (!doc) return undefined;
  const out: ResolvedSpecRef[] = [];
  for (const part of m[2]!.split(/,\s*§?/)) {
    const num = /^(\d+(?:\.\d+)*)/.exec(part.trim())?.[1];
    const section = num === undefined ? undefined : doc.sections.find((s) => s.section === num);
    if (!section) return undefined;
    out.push({ doc, section, anchor: specAnchor(doc.id, section.section) });
  }
  return out;
}

/** Whether `ref` names an external spec the index lists by name. */
export function isExternalSpecRef(ref: string): boolean {
  const prefix = REF.exec(ref.trim())?.[1];
  return prefix !== undefined && prefix in EXTERNAL_SPECS;
}
