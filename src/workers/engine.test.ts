// The engine as the UI sees it (plain data out), on real corpus files: the numbers the app shows must be the
// ones independent tools computed (manifest.json). Values are computed here, never copied.
import { describe, expect, it } from 'vitest';
import { corpusAvailable, manifest, readCorpus } from '../test-support/corpus';
import { Engine, MAX_READ } from './engine';
import { headerRowList } from './header-columns';
import { parsePe } from '../core/pe';
import { authenticodeDigests } from '../core/authenticode';
import { nobleBackend, type HashAlgorithm } from '../core/hash/hash';
import { toHex } from '../core/bytes/bytes';
import { ledgerEntry } from './ledger-columns';

const d = corpusAvailable() ? describe : describe.skip;

d('engine on firmware images', () => {
  it('opens OVMF as firmware and measures what sev-snp-measure measured, for every case without a kernel', async () => {
    const m = manifest();
    const cases = (
      m.ovmf_measure as { id: string; expected?: string; params: Record<string, unknown> }[]
    ).filter(
      (c) =>
        c.expected &&
        ['snp', 'seves', 'sev'].includes(c.params.mode as string) &&
        !c.params.kernel &&
        !c.params.snp_ovmf_hash &&
        !c.params.vcpu_sig &&
        !c.params.vcpu_family,
    );
    expect(cases.length).toBeGreaterThan(0);
    const engine = new Engine();
    for (const c of cases) {
      const path = (c.params.ovmf as { path: string }).path;
      const r = await engine.open(c.id, path, readCorpus(path));
      expect(r.kind).toBe('firmware');
      expect(r.measurable.map((x) => x.platform)).toContain(c.params.mode);
      const out = engine.measure(c.id, {
        platform: c.params.mode as string,
        vcpus: c.params.vcpus as number,
        vcpuType: c.params.vcpu_type as string,
        vmm: (c.params.vmm_type as string | undefined) ?? 'QEMU',
        guestFeatures: c.params.guest_features as string | undefined,
      });
      expect(out.digest, c.id).toBe(c.expected);
      if (c.params.mode === 'snp') {
        // Thousands of firmware pages coalesce into a few runs; the last running value is the digest.
        expect(out.runs.length).toBeLessThan(out.ledger.length / 10);
        expect(ledgerEntry(out.ledger, out.ledger.length - 1).running).toBe(out.digest);
      }
    }
  });

  it('gives the TDX MRTD in both page orders', async () => {
    const engine = new Engine();
    for (const t of manifest().tdx_ovmf as {
      firmware: { path: string };
      mrtd_single_pass: string;
      mrtd_two_pass: string;
    }[]) {
      const opened = await engine.open('fw', t.firmware.path, readCorpus(t.firmware.path));
      // A TDVF opens on its TDX measurement (the first choice is the one the app shows).
      if (/tdx/i.test(t.firmware.path)) expect(opened.measurable[0]?.platform, t.firmware.path).toBe('tdx');
      expect(engine.measure('fw', { platform: 'tdx', tdxOrder: 'single-pass' }).digest).toBe(
        t.mrtd_single_pass,
      );
      expect(engine.measure('fw', { platform: 'tdx', tdxOrder: 'two-pass' }).digest).toBe(t.mrtd_two_pass);
    }
  });

  it('names an empty file and a PNG instead of calling them unknown data', async () => {
    const engine = new Engine();
    const empty = await engine.open('e', 'empty.bin', new Uint8Array(0));
    expect(empty.kindLabel).toBe('Empty file');
    expect(empty.diagnostics.map((d) => d.code)).toEqual(['EMPTY_FILE']);
    const png = await engine.open('p', 'logo.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]));
    expect(png.kindLabel).toMatch(/^PNG image/);
    expect(png.diagnostics[0]!.message).toContain('PNG image');
  });

  it('hashes the file with SHA-256 as the manifest records', async () => {
    const m = manifest();
    const input = m.inputs['ovmf/sid/OVMF.amdsev.fd'] as { path: string; sha256: string };
    const r = await new Engine().open('a', 'OVMF.amdsev.fd', readCorpus(input.path));
    expect(r.sha256).toBe(input.sha256);
  });

  it('leaves an IGVM\'s SHA-256 for sha256Of when asked to (deferSha256), with the same view and the manifest\'s hash', async () => {
    const e = (manifest().igvm as { path: string; sha256: string }[]).find((x) => x.path.includes('snp-x64-vtl0'))!;
    const bytes = readCorpus(e.path);
    const engine = new Engine();
    const now = await engine.open('now', e.path, bytes);
    const later = await engine.open('later', e.path, bytes, undefined, { deferSha256: true });
    expect(now.sha256).toBe(e.sha256);
    expect(now.sha256Pending).toBeUndefined();
    expect(later.sha256).toBe('');
    expect(later.sha256Pending).toBe(true);
    expect(await engine.sha256Of('later')).toBe(e.sha256);
    expect(await engine.sha256Of('now')).toBe(e.sha256);
    // Apart from the SHA-256 the two results are the same (diagnostics, rows, summary).
    const strip = (r: typeof now) => ({ ...r, id: '', sha256: '', sha256Pending: undefined, igvm: { ...r.igvm!, headers: headerRowList(r.igvm!.headers!) } });
    expect(strip(later)).toEqual(strip(now));
  });

  it('leaves an IGVM\'s header columns and page maps for igvmTables when asked to (deferIgvmTables), with the same view otherwise', async () => {
    for (const part of ['snp-x64-vtl0', 'rich-v1', 'lib-multi']) {
      const e = (manifest().igvm as { path: string }[]).find((x) => x.path.includes(part))!;
      const bytes = readCorpus(e.path);
      const engine = new Engine();
      const full = await engine.open('full', e.path, bytes);
      const first = await engine.open('first', e.path, bytes, undefined, { deferIgvmTables: true });
      expect(first.igvm!.tablesPending, e.path).toBe(true);
      expect(first.igvm!.headers).toBeUndefined();
      expect(first.igvm!.pageMaps).toBeUndefined();
      expect(full.igvm!.tablesPending).toBeUndefined();
      // The tables asked for afterwards are those a full open returns, row for row and run for run.
      const tables = engine.igvmTables('first');
      expect(tables.headers.count, e.path).toBeGreaterThan(0);
      expect(headerRowList(tables.headers)).toEqual(headerRowList(full.igvm!.headers!));
      expect(tables.pageMaps).toEqual(full.igvm!.pageMaps);
      // Everything else in the first result is the full result's.
      const { headers: _h, pageMaps: _p, ...rest } = full.igvm!;
      expect({ ...first, id: '' }).toEqual({ ...full, id: '', igvm: { ...rest, tablesPending: true } });
    }
  });

  it('refuses igvmTables for a file that is not a parsed IGVM', async () => {
    const engine = new Engine();
    await engine.open('t', 'notes.txt', new TextEncoder().encode('hello'));
    expect(() => engine.igvmTables('t')).toThrow(/not a parsed IGVM/);
    // Other kinds hash in open() whatever the option says.
    const fw = m8();
    const r = await engine.open('fw', fw.path, readCorpus(fw.path), undefined, { deferSha256: true });
    expect(r.sha256).toBe(fw.sha256);
    expect(r.sha256Pending).toBeUndefined();
  });
});

function m8() {
  return manifest().inputs['ovmf/sid/OVMF.amdsev.fd'] as { path: string; sha256: string };
}

describe('engine basics', () => {
  it('reports unknown bytes with an error diagnostic instead of failing', async () => {
    const r = await new Engine().open('x', 'noise.bin', new Uint8Array([1, 2, 3, 4, 5, 250, 251, 252, 0, 7]));
    expect(r.kind).toBe('unknown');
    expect(r.diagnostics.some((x) => x.severity === 'error')).toBe(true);
  });

  it('reads byte ranges clamped to the file and to MAX_READ', async () => {
    const e = new Engine();
    const bytes = new Uint8Array(MAX_READ + 100).map((_, i) => i & 0xff);
    await e.load('b', bytes);
    expect(Array.from(e.read('b', 10, 4))).toEqual([10, 11, 12, 13]);
    expect(e.read('b', 0, MAX_READ * 2).length).toBe(MAX_READ);
    expect(e.read('b', MAX_READ + 90, 50).length).toBe(10);
    expect(e.read('b', -5, 2).length).toBe(2);
    expect(() => e.read('nope', 0, 1)).toThrow(/not open/);
  });
});

d('engine: direct boot through the kernel-hashes table', () => {
  it('measures OVMF + kernel + initrd + command line as sev-snp-measure did', async () => {
    const cases = (
      manifest().ovmf_measure as { id: string; expected?: string; params: Record<string, unknown> }[]
    ).filter((c) => c.expected && c.params.mode === 'snp' && c.params.kernel && !c.params.vcpu_sig);
    expect(cases.length).toBeGreaterThan(0);
    const engine = new Engine();
    for (const c of cases) {
      const p = (k: string) => (c.params[k] as { path: string } | undefined)?.path;
      await engine.load('fw', readCorpus(p('ovmf')!));
      await engine.load('k', readCorpus(p('kernel')!));
      if (p('initrd')) await engine.load('i', readCorpus(p('initrd')!));
      const out = engine.measure('fw', {
        platform: 'snp',
        vcpus: c.params.vcpus as number,
        vcpuType: c.params.vcpu_type as string,
        kernelFile: 'k',
        initrdFile: p('initrd') ? 'i' : undefined,
        append: c.params.append as string | undefined,
      });
      expect(out.digest, c.id).toBe(c.expected);
      engine.close('k');
      engine.close('i');
    }
  });
});

d('engine on PE files (UKIs, add-ons, kernel)', () => {
  it('shows the section hashes ukify inspect printed and the Authenticode digests the signing tools agree on', async () => {
    const engine = new Engine();
    const entries = manifest().pe as {
      path: string;
      ukify_inspect?: Record<string, { sha256: string; text?: string } | { sha256: string; text?: string }[]>;
      authenticode?: Record<string, Record<string, string>>;
    }[];
    expect(entries.length).toBeGreaterThan(0);
    let checkedPcr = 0;
    for (const e of entries) {
      const r = await engine.open(e.path, e.path, readCorpus(e.path));
      expect(r.kind, e.path).toBe('pe');
      for (const [name, value] of Object.entries(e.ukify_inspect ?? {})) {
        if (name.startsWith('_')) continue; // multi-profile listings
        // A section that may repeat (.efifw, .dtbauto) is listed as an array, in file order.
        const wants = Array.isArray(value) ? value : [value];
        const rows = r.pe!.sections.filter((s) => s.name === name);
        expect(rows.length, `${e.path} ${name}`).toBe(wants.length);
        wants.forEach((want, i) => {
          expect(rows[i]!.sha256, `${e.path} ${name}`).toBe(want.sha256);
          if (want.text !== undefined && rows[i]!.text !== undefined) expect(rows[i]!.text).toBe(want.text);
        });
      }
      const sha256 =
        e.authenticode?.sha256?.['sbsign --detached'] ??
        e.authenticode?.sha256?.['systemd-pcrlock 262 lock-pe'];
      if (sha256) expect(r.pe!.authenticode.find((a) => a.algorithm === 'sha256')!.pad8, e.path).toBe(sha256);
      // Every algorithm, open + on demand, equals the core's authenticodeDigests with noble.
      const pe = parsePe(readCorpus(e.path));
      const all = authenticodeDigests(readCorpus(e.path), pe, nobleBackend);
      if (all) {
        const more = await engine.peDigests(e.path, r.pe!.pendingAlgorithms as HashAlgorithm[]);
        const rows = [...r.pe!.authenticode, ...more.authenticode];
        expect(Object.fromEntries(rows.map((x) => [x.algorithm, [x.pad8, x.none]])), e.path).toEqual(
          Object.fromEntries(Object.entries(all.digests).map(([alg, d]) => [alg, [toHex(d.pad8), toHex(d.none)]])),
        );
      }
      // PCR 11 per boot phase as systemd-measure 252/257/262 calculated it.
      const pcr = (e as { pcr11?: Record<string, Record<string, string>> }).pcr11;
      if (pcr) {
        // Opening computes the SHA-256 bank; the others come from peDigests (the values a full open gave).
        const pending = r.pe!.pendingAlgorithms as HashAlgorithm[];
        expect(pending).toEqual(['sha1', 'sha384', 'sha512']);
        const more = await engine.peDigests(e.path, pending);
        const open = r.pe!.uki!.pcr11[0]!;
        const pred = {
          sections: { ...open.sections, ...more.pcr11[0]!.sections },
          phases: open.phases.map((p, k) => ({ path: p.path, values: { ...p.values, ...more.pcr11[0]!.phases[k] } })),
        };
        for (const [phase, banks] of Object.entries(pcr)) {
          const got = phase.startsWith('(none)')
            ? pred.sections
            : pred.phases.find((p) => p.path === phase)?.values;
          expect(got, `${e.path} ${phase}`).toEqual(banks);
        }
        checkedPcr++;
      }
      engine.close(e.path);
    }
    expect(checkedPcr).toBeGreaterThan(0);
  });
});

interface IgvmEntry {
  path: string;
  directive_counts: Record<string, number>;
  initialization_counts: Record<string, number>;
  platforms: { platform_type: string; compatibility_mask: number }[];
  measurements: Record<string, Record<string, { value: string }>>;
}

d('engine on a UKI: the kernel inside .linux', () => {
  it('its Authenticode SHA-256 and its signer are the kernel file’s, as sbsign/pcrlock and osslsigncode report them', async () => {
    const entries = manifest().pe as {
      path: string;
      authenticode: Record<string, Record<string, string>>;
      signatures: { signer_subject?: string }[];
    }[];
    const kernel = entries.find((e) => e.path.includes('vmlinuz'))!;
    const engine = new Engine();
    const r = await engine.open('uki', 'uki-262.efi', readCorpus('pe/uki-262.efi'));
    const k = r.pe!.uki!.kernel!;
    expect(k.authenticodeSha256).toBe(kernel.authenticode.sha256!['sbsign --detached']);
    const signer = kernel.signatures.find((x) => x.signer_subject)!.signer_subject!.replace(/^\/CN=/, '');
    expect(k.signatures.some((x) => x.verdict.covers && x.signer?.includes(signer))).toBe(true);
    // The offsets point into the UKI: the signature blob lies inside the .linux section.
    for (const x of k.signatures) {
      expect(x.offset).toBeGreaterThanOrEqual(k.offset);
      expect(x.offset + x.length).toBeLessThanOrEqual(k.offset + k.length);
    }
    // The UKI itself is unsigned.
    expect(r.pe!.signatures).toEqual([]);
  });
});

d('engine on IGVM files', () => {
  it('shows the manifest platforms and header counts, no error diagnostics, and measures every platform to the manifest value', async () => {
    const engine = new Engine();
    const entries = manifest().igvm as IgvmEntry[];
    let measured = 0;
    for (const e of entries) {
      const r = await engine.open(e.path, e.path, readCorpus(e.path));
      expect(r.kind).toBe('igvm');
      expect(
        r.diagnostics.filter((x) => x.severity === 'error'),
        e.path,
      ).toEqual([]);
      const counts = Object.fromEntries(r.igvm!.counts.map((c) => [c.label, c.value]));
      expect(counts, e.path).toEqual({ ...e.directive_counts, ...e.initialization_counts });
      expect(r.igvm!.directiveTotal).toBe(Object.values(e.directive_counts).reduce((a, b) => a + b, 0));
      expect(r.igvm!.platforms.map((p) => [p.type, p.mask])).toEqual(
        e.platforms.map((p) => [p.platform_type, p.compatibility_mask]),
      );
      expect(r.igvm!.headers!.count).toBe(
        r.igvm!.directiveTotal +
          r.igvm!.platforms.length +
          Object.values(e.initialization_counts).reduce((a, b) => a + b, 0),
      );
      for (const [platform, values] of Object.entries(e.measurements)) {
        const want = Object.values(values)[0]!.value;
        const out = engine.measure(e.path, { platform });
        expect(out.digest, `${e.path} ${platform}`).toBe(want);
        expect(out.runs.reduce((n, x) => n + x.count, 0)).toBe(out.ledger.length);
        measured++;
      }
      engine.close(e.path);
    }
    expect(measured).toBeGreaterThanOrEqual(entries.length);
  });

  it('decodes the SNP VMSA of a VP context into named registers with file offsets', async () => {
    const e = (manifest().igvm as IgvmEntry[]).find((x) => x.directive_counts.SnpVpContext)!;
    const r = await new Engine().open('v', e.path, readCorpus(e.path));
    const vp = r.igvm!.vpContexts.find((v) => v.platform === 'SEV_SNP')!;
    const regs = vp.groups.find((g) => g.title === 'Registers')!;
    const rip = regs.fields.find((f) => f.label === 'rip');
    expect(rip?.offset).toBe(vp.dataOffset! + 0x178); // rip at VMSA offset 0x178 (igvm-format §8.1)
    const cr0 = regs.fields.find((f) => f.label === 'cr0');
    expect(cr0).toBeDefined();
  });

  it('checks the SNP ID block of igvmgen files against the computed launch digest', async () => {
    const e = (manifest().igvm as IgvmEntry[]).find((x) => x.directive_counts.SnpIdBlock)!;
    const engine = new Engine();
    await engine.open('g', e.path, readCorpus(e.path));
    const out = engine.measure('g', { platform: 'SEV_SNP' });
    expect(out.idBlock).toBeDefined();
    expect(out.idBlock!.matches).toBe(out.idBlock!.expected === out.digest);
  });

  it('decodes any header into fields, with byte views linked to their file offsets', async () => {
    const e = (manifest().igvm as IgvmEntry[]).find((x) => x.path.includes('rich-v2'))!;
    const engine = new Engine();
    const r = await engine.open('r', e.path, readCorpus(e.path));
    for (const h of headerRowList(r.igvm!.headers!)) {
      const g = engine.headerDetail('r', h.index)!;
      expect(g.offset).toBe(h.offset);
      expect(g.title).toContain(h.kind);
    }
    const page = headerRowList(r.igvm!.headers!).find((h) => h.kind === 'PageData' && h.dataOffset !== undefined)!;
    const g = engine.headerDetail('r', page.index)!;
    expect(g.fields.find((f) => f.label === 'data')?.offset).toBe(page.dataOffset);
  });
});

describe('the embedded demo', () => {
  it('is a valid SNP + TDX IGVM built by our codec, with a decoded VMSA and both digests', async () => {
    const engine = new Engine();
    const r = await engine.openDemo('demo');
    expect(r.kind).toBe('igvm');
    expect(r.diagnostics.filter((x) => x.severity !== 'info')).toEqual([]);
    expect(r.igvm!.platforms.map((p) => p.type)).toEqual(['SEV_SNP', 'TDX']);
    expect(r.igvm!.parameterAreas[0]!.parameters.map((p) => p.kind)).toEqual([
      'VpCount',
      'MemoryMap',
      'CommandLine',
    ]);
    expect(r.igvm!.vpContexts[0]!.groups[0]!.fields.find((f) => f.label === 'rip')?.value).toBe('0xfff0');
    for (const c of r.measurable) {
      const out = engine.measure('demo', { platform: c.platform });
      expect(out.digest).toMatch(/^[0-9a-f]{96}$/);
      expect(out.ledger.length).toBeGreaterThan(10);
    }
    expect(r.measurable.map((c) => c.platform)).toEqual(['SEV_SNP', 'TDX']);
  });
});

d('engine page maps', () => {
  it('gives every platform of rich-v1 a page map whose page runs cover each PageData header once', async () => {
    const e = (manifest().igvm as IgvmEntry[]).find((x) => x.path.includes('rich-v1'))!;
    const r = await new Engine().open('p', e.path, readCorpus(e.path));
    const maps = r.igvm!.pageMaps!;
    expect(maps.map((m) => m.mask)).toEqual(e.platforms.map((p) => p.compatibility_mask));
    for (const m of maps) {
      const pageHeaders = headerRowList(r.igvm!.headers!).filter(
        (h) => h.kind === 'PageData' && ((h.mask ?? 0) & m.mask) !== 0,
      ).length;
      const inRuns = m.runs
        .filter((x) => !['parameter', 'required', 'vmsa'].includes(x.kind))
        .reduce((n, x) => n + x.headerCount, 0);
      expect(inRuns, m.label).toBe(pageHeaders);
    }
    expect(maps[0]!.runs.some((x) => x.kind === 'parameter')).toBe(true);
  });
});

d('what-if edits', () => {
  it('recomputes the SNP digest from the edited page on, and the result equals a full measurement of the edited file', async () => {
    const e = (manifest().igvm as IgvmEntry[]).find((x) => x.path.includes('lib-snp'))!;
    const bytes = readCorpus(e.path);
    const engine = new Engine();
    const r = await engine.open('w', e.path, bytes);
    const before = engine.measure('w', { platform: 'SEV_SNP' });
    const page = headerRowList(r.igvm!.headers!).filter((h) => h.kind === 'PageData' && h.dataOffset !== undefined)[10]!;
    const w = engine.whatIf('w', page.index, 5);
    expect(w.originalDigest).toBe(before.digest);
    expect(w.digest).not.toBe(before.digest);
    expect(w.firstChangedStep).toBeGreaterThan(0);
    expect(w.firstChangedStep).toBeLessThan(w.steps);
    // The same edit made in the file bytes and measured from scratch gives the same digest.
    const edited = bytes.slice();
    edited[page.dataOffset! + 5] ^= 0xff;
    await engine.open('w2', 'edited', edited);
    expect(engine.measure('w2', { platform: 'SEV_SNP' }).digest).toBe(w.digest);
    // The session is restored: measuring again gives the original digest.
    expect(engine.measure('w', { platform: 'SEV_SNP' }).digest).toBe(before.digest);
  });
});
