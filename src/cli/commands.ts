// The fukiscope sub-commands. Each lives in src/cli/commands/<name>.ts; register it here with its one-line
// summary. Modules are imported only when their command runs, so `fukiscope measure` does not compile the
// ASN.1/X.509 code `pe` needs (the bundler splits each command into its own chunk).
import type { CliIo } from './io';

export interface Command {
  usage: string;
  run(args: string[], io: CliIo): Promise<number> | number;
}

export interface CommandEntry {
  summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: Record<string, CommandEntry> = {
  measure: {
    summary:
      'launch measurements of an IGVM file (SNP profiles, TDX, VBS, SEV/SEV-ES), with ledger or igvmmeasure output',
    load: () => import('./commands/measure').then((m) => m.measureCommand),
  },
  'measure-ovmf': {
    summary: 'classic SEV/SEV-ES/SNP launch digest of OVMF (+ kernel hashes), sev-snp-measure compatible',
    load: () => import('./commands/measure-ovmf').then((m) => m.measureOvmfCommand),
  },
  'tdx-mrtd': {
    summary: 'MRTD of a TDVF firmware image (single-pass or two-pass page order)',
    load: () => import('./commands/tdx-mrtd').then((m) => m.tdxMrtdCommand),
  },
  pe: {
    summary: 'inspect a PE/UKI/add-on: sections, Authenticode, signatures, PCR 11 per phase',
    load: () => import('./commands/pe').then((m) => m.peCommand),
  },
  uki: {
    summary: 'build a UKI or add-on from a systemd stub plus sections (ukify layout)',
    load: () => import('./commands/uki').then((m) => m.ukiCommand),
  },
  inspect: {
    summary: 'detect a file kind and summarize it (IGVM, PE/UKI, firmware) with diagnostics',
    load: () => import('./commands/inspect').then((m) => m.inspectCommand),
  },
  diff: {
    summary: 'what differs between two IGVMs, UKIs/FUKIs or PEs, down to the first diverging SNP ledger step',
    load: () => import('./commands/diff').then((m) => m.diffCommand),
  },
  verify: {
    summary:
      'verify an SEV-SNP report or TDX quote offline (signature, chain to the pinned AMD/Intel root, TCB) and compare it with an IGVM or OVMF launch; --search explains a mismatch',
    load: () => import('./commands/verify').then((m) => m.verifyCommand),
  },
  eventlog: {
    summary:
      'replay a TCG event log or TDX CCEL (every PCR/RTMR per bank), check it, and diff it against a UKI boot prediction or a TDX quote',
    load: () => import('./commands/eventlog').then((m) => m.eventlogCommand),
  },
  export: {
    summary: 'reference values of a receipt for a verifier: CoRIM (igvm launch-measurement profile) or Trustee RVPS JSON',
    load: () => import('./commands/export').then((m) => m.exportCommand),
  },
  compose: {
    summary: 'build an IGVM (firmware + kernel-hashes page) and a FUKI, with launch digests and a receipt',
    load: () => import('./commands/compose').then((m) => m.composeCommand),
  },
};
