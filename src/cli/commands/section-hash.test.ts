// Issue 10 item 2: one section hash everywhere. For every corpus PE, the diff page data (core diffFiles), `fukiscope
// diff`, Inspect (the engine's PE view), `fukiscope pe --json` and the manifest (ukify's VirtualSize content hash,
// pe_headers.sections[].sha256_virtual_size_content) give the same SHA-256 for each section.
import { describe, expect, it } from 'vitest';
import { diffFiles } from '../../core/diff';
import { captureIo } from '../../test-support/cli';
import { corpusAvailable, corpusPath, manifest, readCorpus } from '../../test-support/corpus';
import { inspectPe } from '../../workers/inspect/pe';
import { main } from '../main';
import { nodeHashBackend } from '../node-hash';

interface ManifestPe {
  path: string;
  pe_headers?: { sections: { name: string; sha256_virtual_size_content: string }[] };
}

describe.skipIf(!corpusAvailable())('section SHA-256: diff, inspect, pe and the manifest agree', () => {
  it('every corpus PE, every section', async () => {
    const pes = manifest().pe as ManifestPe[];
    expect(pes.length).toBeGreaterThan(5);
    let compared = 0;
    for (const entry of pes) {
      const bytes = readCorpus(entry.path);
      const view = await inspectPe(bytes);
      const sections = view.pe!.sections;
      expect(sections.length, entry.path).toBeGreaterThan(0);

      const pe = captureIo();
      await main(['pe', corpusPath(entry.path), '--json'], pe);
      const peSections = (JSON.parse(pe.stdout) as { sections: { name: string; sha256: string }[] }).sections;

      // Against a file with no sections, the diff lists every section of the PE (only in A) with its hash.
      const other = new Uint8Array(64);
      const diff = diffFiles(bytes, other, nodeHashBackend);
      const cli = captureIo({ 'a.efi': bytes, 'b.efi': other });
      await main(['diff', 'a.efi', 'b.efi'], cli);

      sections.forEach((s, i) => {
        const where = `${entry.path} ${s.name} #${s.index}`;
        expect(peSections[i]!.sha256, where).toBe(s.sha256);
        const m = entry.pe_headers?.sections[i];
        if (m) {
          expect(m.name, where).toBe(s.name);
          expect(s.sha256, where).toBe(m.sha256_virtual_size_content);
        }
        const key = sections.findIndex((x) => x.name === s.name) === i ? s.name : `${s.name}#${s.index}`;
        const row = diff.parts.find((r) => r.label === `section ${key}`);
        expect(row, where).toBeDefined();
        const short = (s.sha256 ?? '').slice(0, 16);
        expect(short, where).toHaveLength(16);
        expect(row!.a, where).toContain(`sha256 ${short}`);
        expect(cli.stdout, where).toContain(short);
        compared++;
      });
    }
    expect(compared).toBeGreaterThan(20);
  }, 60_000);
});
