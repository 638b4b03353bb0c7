// Issue 10 item 1 for PEs: `fukiscope pe` and `fukiscope inspect` of a damaged PE (truncated UKI and add-on, a
// hostile section table) exit 1 and print none of the digests computed from it — no Authenticode digest, no section
// SHA-256, no PCR 11 or boot prediction, no kernel digest — on stdout, text or --json; the reason goes to stderr
// (text) or `withheld` (JSON). The file's own SHA-256 (which names the input) is still printed.
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../test-support/cli';
import { corpusAvailable, readCorpus } from '../../test-support/corpus';
import { manySections } from '../../test-support/hostile-pe';
import { main } from '../main';

/** Every digest `fukiscope pe --json` gives for the intact file: what a damaged copy must not print. */
function digestsOf(json: string, fileSha256: string): string[] {
  return [...new Set(json.match(/[0-9a-f]{40,128}/g) ?? [])].filter((h) => h !== fileSha256);
}

describe.runIf(corpusAvailable())('fukiscope pe / inspect of a damaged PE: no digest on stdout', () => {
  const cases: [string, string, (b: Uint8Array) => Uint8Array][] = [
    ['pe/uki-262.efi', 'truncated to 8 MB', (b) => b.slice(0, 8_000_000)],
    ['pe/addon-262-cmdline.addon.efi', 'truncated to 2000 bytes', (b) => b.slice(0, 2000)],
    ['pe/addon-262-cmdline.addon.efi', 'NumberOfSections 65535', (b) => manySections(b)],
  ];
  for (const [rel, what, damage] of cases)
    it(`${rel} ${what}`, async () => {
      const good = readCorpus(rel);
      const intact = captureIo({ 'ok.efi': good });
      expect(await main(['pe', 'ok.efi', '--json'], intact)).toBe(0);
      const okJson = JSON.parse(intact.stdout) as { sha256: string };
      const known = digestsOf(intact.stdout, okJson.sha256);
      expect(known.length).toBeGreaterThan(4);

      const files = { 'bad.efi': damage(good) };
      for (const args of [
        ['pe', 'bad.efi'],
        ['pe', 'bad.efi', '--json'],
        ['inspect', 'bad.efi'],
        ['inspect', 'bad.efi', '--json'],
      ]) {
        const io = captureIo(files);
        expect(await main(args, io), args.join(' ')).toBe(1);
        for (const d of known) expect(io.stdout.includes(d), `${args.join(' ')} prints ${d}`).toBe(false);
        if (args[0] === 'pe') {
          if (args.includes('--json')) {
            const j = JSON.parse(io.stdout) as {
              authenticode?: unknown;
              pcr11: unknown[];
              withheld?: { reason: string };
            };
            expect(j.authenticode).toBeUndefined();
            expect(j.pcr11).toEqual([]);
            expect(j.withheld?.reason).toMatch(/^no digest: .*would look right and be wrong$/);
          } else expect(io.stderr).toMatch(/fukiscope pe: no digest: the input has \d+ errors?/);
        }
      }
    }, 60_000);
});
