// Test-only: the boot-lab cases' inputs (manifest bootlab.cases): the UKI (a corpus file, or rebuilt with our
// builder from the listed inputs exactly as `fukiscope uki build` does) and the add-ons with their scopes.
import type { AddonInput } from '../core/uki/addons';
import { buildUki } from '../core/uki/build';
import { readCorpus, type Manifest } from './corpus';

/** The case's UKI: a corpus file, or built by our builder from the listed inputs (as `fukiscope uki build`). */
export function bootlabUki(c: Manifest): Uint8Array {
  if (c.uki.path) return readCorpus(c.uki.path);
  const b = c.uki.built;
  const r = buildUki({
    stub: readCorpus(b.stub),
    sections: [
      { name: '.linux', data: readCorpus(b.linux) },
      { name: '.initrd', data: readCorpus(b.initrd) },
      { name: '.cmdline', data: readCorpus(b.cmdline) },
      { name: '.osrel', data: readCorpus(b.os_release) },
    ],
  });
  return r.file!;
}

export function bootlabAddons(c: Manifest): AddonInput[] {
  return (c.addons as Manifest[]).map((a) => ({
    file: readCorpus(a.file.path),
    fileName: (a.file.path as string).split('/').pop()!,
    scope: (a.location as string).startsWith('global') ? 'global' : 'per-uki',
  }));
}

