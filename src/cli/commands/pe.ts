// `fukiscope pe FILE`: a PE/UKI/add-on: sections with SHA-256, Authenticode digests (both padding conventions),
// embedded signatures, UKI contents and PCR 11 per profile and boot phase (fuki §2, §3).
import { parseArgs } from 'node:util';
import { formatDiagnostic } from '../../core/diagnostics';
import type { HashAlgorithm } from '../../core/hash/hash';
import { PCR_BANKS } from '../../core/uki/pcr';
import { summarizePe, verifySummarySignatures, type PeSummary } from '../../core/uki/summary';
import type { Command } from '../commands';
import { toJson, UsageError, type CliIo } from '../io';

const usage = `Usage: fukiscope pe FILE [--bank sha256]... [--json]

Inspects a PE image (UKI, UKI add-on, systemd stub, signed kernel):
  sections (name, size, SHA-256 of VirtualSize bytes), Authenticode digests (SHA-1/256/384/512; "pad8" is
  systemd/sbsign/osslsigncode, "none" is pesign -h, they differ only when the hashed size is not 8-aligned),
  embedded signatures (signer, issuer, signed digest, match), UKI sections decoded, and for UKIs the PCR 11
  prediction (systemd-measure) per profile and boot phase. --json prints everything as lowercase hex.`;

/** The human-readable form of a summary. */
export function formatPeSummary(s: PeSummary): string {
  const lines: string[] = [];
  lines.push(`${s.kind} ${s.format ?? '?'} ${s.machine ?? ''}  ${s.fileSize} bytes  sha256 ${s.sha256}`);
  if (s.stubInfo) lines.push(`stub: ${s.stubInfo}`);
  lines.push('sections:');
  for (const x of s.sections)
    lines.push(
      `  ${x.name.padEnd(9)} va 0x${x.virtualAddress.toString(16).padStart(7, '0')} size ${String(x.virtualSize).padStart(9)}  sha256 ${x.sha256}`,
    );
  if (s.authenticode) {
    lines.push(
      `authenticode${s.authenticode.paddingMatters ? ' (size not 8-aligned: pad8 = systemd/sbsign/osslsigncode, none = pesign -h)' : ''}:`,
    );
    for (const [alg, v] of Object.entries(s.authenticode.digests))
      lines.push(
        `  ${alg.padEnd(6)} ${v.pad8}${s.authenticode.paddingMatters ? `\n  ${''.padEnd(6)} ${v.none} (none)` : ''}`,
      );
  }
  for (const g of s.signatures)
    lines.push(
      `signature #${g.index}: ${g.signer?.subject ?? '?'} (issuer ${g.signer?.issuer ?? '?'}), ${g.digestAlgorithm} ${g.signedDigest} ${g.matches ? 'matches' : 'DOES NOT MATCH'}; signer signature ${g.signerSignatureValid === undefined ? 'not checked' : g.signerSignatureValid ? 'valid' : 'INVALID'} (chain not checked)`,
    );
  if (s.uki) {
    if (s.uki.uname) lines.push(`uname: ${s.uki.uname}`);
    if (s.uki.cmdline !== undefined) lines.push(`cmdline: ${s.uki.cmdline}`);
    if (s.uki.osRelease?.PRETTY_NAME) lines.push(`os-release: ${s.uki.osRelease.PRETTY_NAME}`);
    for (const p of s.uki.profiles)
      lines.push(
        `profile @${p.index}: ${p.id ?? ''} ${p.title ? `"${p.title}"` : ''} [${p.sections.join(' ')}]`,
      );
    for (const f of s.uki.efifw) lines.push(`efifw: ${f.fwid} (${f.payloadSize} bytes, ${f.format})`);
  }
  for (const r of s.pcr11) {
    lines.push(
      `pcr11${r.profile === null ? '' : ` profile @${r.profile}`}${r.mode === 'ukify' ? '' : ' (stub, with .efifw)'}:`,
    );
    for (const [bank, v] of Object.entries(r.sections)) lines.push(`  ${'sections'.padEnd(40)} ${bank} ${v}`);
    for (const [path, banks] of Object.entries(r.phases))
      for (const [bank, v] of Object.entries(banks)) lines.push(`  ${path.padEnd(40)} ${bank} ${v}`);
  }
  return lines.join('\n') + '\n';
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, bank: { type: 'string', multiple: true } },
  });
  if (positionals.length !== 1) throw new UsageError('expected exactly one PE file');
  const banks = (values.bank ?? [...PCR_BANKS]) as HashAlgorithm[];
  for (const b of banks)
    if (!PCR_BANKS.includes(b)) throw new UsageError(`--bank must be one of ${PCR_BANKS.join(', ')}`);
  const file = io.readFile(positionals[0]!);
  const s = summarizePe({ file }, { banks });
  await verifySummarySignatures(file, s);
  if (values.json) io.out(toJson(s) + '\n');
  else {
    io.out(formatPeSummary(s));
    for (const d of s.diagnostics) if (d.severity !== 'info') io.err(formatDiagnostic(d) + '\n');
  }
  return s.kind === 'pe' && !s.format ? 1 : 0;
}

export const peCommand: Command = {
  summary: 'inspect a PE/UKI/add-on: sections, Authenticode, signatures, PCR 11 per phase',
  usage,
  run,
};
