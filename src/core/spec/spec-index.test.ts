// Every spec reference in src/core resolves to a section of the spec index (issue 12 item 8): the `spec:` of
// every diagnostic and every `<doc> §<n>` citation in code and comments.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isExternalSpecRef, resolveSpecRef, SPEC_DOCUMENTS } from './index';

const core = resolve(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.ts$/.test(n) && !/\.test\.ts$|\.generated\.ts$/.test(n) ? [p] : [];
  });
}

/** Every citation in the core's sources, with where it is. */
function citations(): { ref: string; at: string }[] {
  const out: { ref: string; at: string }[] = [];
  for (const file of sources(core)) {
    const text = readFileSync(file, 'utf8');
    const at = (i: number) => `${relative(core, file)}:${text.slice(0, i).split('\n').length}`;
    // `fuki §4.2.3`, `igvm-format §14.2.3, §16.3`, `TDVF design guide §11` (and `(§` continuations)
    for (const m of text.matchAll(
      /\b(fuki|igvm-format|evidence|toolchain|TDVF design guide|UEFI(?: spec)?) §(\d+(?:\.\d+)*(?:,\s*§\d+(?:\.\d+)*)*)/g,
    ))
      out.push({ ref: `${m[1]!.replace(/ spec$/, '')} §${m[2]}`, at: at(m.index!) });
    // The IGVM parser cites sections through where(header, '6.3') / `${SPEC} §${s}` with SPEC = 'igvm-format'.
    if (/\bSPEC\b.*'igvm-format'|from '\.\/context'/.test(text))
      for (const m of text.matchAll(/\bwhere\([^,()]+,\s*'([\d.]+)'\)/g))
        out.push({ ref: `igvm-format §${m[1]}`, at: at(m.index!) });
  }
  return out;
}

describe('spec index', () => {
  it('is generated from the four reference documents', () => {
    expect(SPEC_DOCUMENTS.map((d) => d.id)).toEqual(['fuki', 'igvm-format', 'evidence', 'toolchain']);
    expect(SPEC_DOCUMENTS.every((d) => d.sections.length > 0)).toBe(true);
  });
  it('resolves single and listed sections, and refuses unknown ones', () => {
    expect(resolveSpecRef('fuki §4.2.3')?.map((r) => r.anchor)).toEqual(['fuki-4-2-3']);
    expect(resolveSpecRef('fuki §1.5, §6 item 4')?.map((r) => r.section.section)).toEqual(['1.5', '6']);
    expect(resolveSpecRef('fuki §99.1')).toBeUndefined();
    expect(resolveSpecRef('nonsense §1')).toBeUndefined();
    // A trailing note (the outside source a section restates) may hold commas; it is not a section list.
    expect(resolveSpecRef('evidence §1 (SEV-SNP ABI, ATTESTATION_REPORT)')?.map((r) => r.anchor)).toEqual([
      'evidence-1',
    ]);
    expect(resolveSpecRef('evidence §99 (SEV-SNP ABI, ATTESTATION_REPORT)')).toBeUndefined();
  });
  it('every citation in src/core resolves to a section (or names a listed external document)', () => {
    const all = citations();
    expect(all.length).toBeGreaterThan(100);
    const broken = all.filter((c) => !isExternalSpecRef(c.ref) && !resolveSpecRef(c.ref));
    expect(broken).toEqual([]);
  });
});
