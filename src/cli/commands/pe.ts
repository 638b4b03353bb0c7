// `fukiscope pe FILE`: a PE/UKI/add-on: sections with SHA-256, Authenticode digests (both padding conventions),
// embedded signatures, UKI contents and PCR 11 per profile and boot phase (fuki §2, §3).
import { appendAll } from '../../core/append';
import type { HashAlgorithm } from '../../core/hash/hash';
import { PCR_BANKS } from '../../core/uki/pcr';
import { toHex } from '../../core/bytes/bytes';
import { mergeAddons } from '../../core/uki/addons';
import { bootPredictionView, formatBootPrediction, predictBoot } from '../../core/uki/boot-prediction';
import { ESP_KIND_NAMES, oneFileWithAddons, parseAddonArgs, parseEspArgs } from '../addon-args';
import { MAX_PROFILES } from '../../core/uki/model';
import { predictPcr12, profileSelectionEvent } from '../../core/uki/pcr';
import {
  CHECK_LABELS,
  CHECK_NAMES,
  verdictText,
  type SignatureVerdict,
} from '../../core/authenticode/verdict';
import {
  summarizePe,
  uncoveredSignatures,
  verifySummarySignatures,
  type PeSummary,
} from '../../core/uki/summary';
import type { Command } from '../commands';
import { diagnosticLine, escapeText as e } from '../escape';
import { hasErrors } from '../../core/diagnostics';
import { decimalOption } from '../options';
import { toJson, UsageError, type CliIo } from '../io';

const usage = `Usage: fukiscope pe FILE [--bank sha256]... [--addon [global:|per-uki:]ADDON]... [--profile N]
                        [--esp KIND:FILE]... [--json]

Inspects a PE image (UKI, UKI add-on, systemd stub, signed kernel):
  sections (name, size, SHA-256 of VirtualSize bytes), Authenticode digests (SHA-1/256/384/512; "pad8" is
  systemd/sbsign/osslsigncode, "none" is pesign -h, they differ only when the hashed size is not 8-aligned),
  embedded signatures (signer, issuer, signed digest and the three checks: image digest, messageDigest, signer
  signature), UKI sections decoded, and for UKIs the PCR 11 prediction (systemd-measure) per profile and boot
  phase. --json prints everything as lowercase hex. Exit status 1 when the file is not a PE or a signature (the
  file's or its kernel's) does not cover what it signs.
  With --addon/--profile: the final command line (UKI, global add-ons, per-UKI add-ons, sorted by file name),
  the initrd order and the PCR 12 events systemd-stub logs for the add-ons and the profile selection.
  For UKIs, "measured boot": what the UKI's systemd-stub version (read from .sdmagic/.sbat) makes the firmware,
  the stub and the kernel log: PCR 4 image events, PCR 11, PCR 12, the PCR 1 smbios tag (262), PCR 9; events
  whose digest depends on the firmware or the VMM say so.
  --esp KIND:FILE: a file on the ESP that the stub packs into its initrd and measures (PCR 9, 12, 13), from
  <uki>.extra.d, \\loader\\credentials or \\loader\\extensions; KIND = ${ESP_KIND_NAMES}`;

/** The verdict in words; a signature that does not cover is in capitals (it is what a reader must not miss). */
function verdictLine(v: SignatureVerdict, subject: string): string {
  const t = e(verdictText(v, subject));
  return v.covers || v.undecodable !== undefined ? t : t.replace(/^does not cover/, 'DOES NOT COVER');
}

/** One line per check (status and reason); none for an undecodable blob, where the verdict line says why. */
function checkLines(v: SignatureVerdict, indent: string): string[] {
  if (v.undecodable !== undefined) return [];
  return [
    ...CHECK_NAMES.map(
      (n) => `${indent}${CHECK_LABELS[n].padEnd(17)} ${v[n].status.padEnd(11)} ${e(v[n].reason)}`,
    ),
    `${indent}(whether the signer certificate is trusted, its chain to a CA, is not checked)`,
  ];
}

/** The human-readable form of a summary. */
export function formatPeSummary(s: PeSummary): string {
  const lines: string[] = [];
  lines.push(`${s.kind} ${s.format ?? '?'} ${s.machine ?? ''}  ${s.fileSize} bytes  sha256 ${s.sha256}`);
  if (s.stubInfo) lines.push(`stub: ${e(s.stubInfo)}`);
  lines.push('sections:');
  for (const x of s.sections)
    lines.push(
      `  ${e(x.name).padEnd(9)} va 0x${x.virtualAddress.toString(16).padStart(7, '0')} size ${String(x.virtualSize).padStart(9)}  sha256 ${x.sha256 ?? (s.withheld ? '(withheld)' : '(not hashed: limit)')}`,
    );
  if (s.withheld) lines.push(`digests withheld (Authenticode, sections, PCR 11): ${e(s.withheld.reason)}`);
  if (s.authenticode) {
    lines.push(
      `authenticode${s.authenticode.paddingMatters ? ' (size not 8-aligned: pad8 = systemd/sbsign/osslsigncode, none = pesign -h)' : ''}:`,
    );
    for (const [alg, v] of Object.entries(s.authenticode.digests))
      lines.push(
        `  ${alg.padEnd(6)} ${v.pad8}${s.authenticode.paddingMatters ? `\n  ${''.padEnd(6)} ${v.none} (none)` : ''}`,
      );
  }
  for (const g of s.signatures) {
    lines.push(`signature #${g.index}: ${verdictLine(g.verdict, 'this file')}`);
    if (g.signer)
      lines.push(
        `  signer ${e(g.signer.subject)} (issuer ${e(g.signer.issuer)}, serial ${e(g.signer.serial)})`,
      );
    if (g.digestAlgorithm && g.signedDigest)
      lines.push(`  signed image digest ${g.digestAlgorithm} ${g.signedDigest}`);
    appendAll(lines, checkLines(g.verdict, '  '));
  }
  if (s.uki) {
    if (s.uki.uname) lines.push(`uname: ${e(s.uki.uname)}`);
    if (s.uki.cmdline !== undefined) lines.push(`cmdline: ${e(s.uki.cmdline)}`);
    if (s.uki.osRelease?.PRETTY_NAME) lines.push(`os-release: ${e(s.uki.osRelease.PRETTY_NAME)}`);
    for (const p of s.uki.profiles)
      lines.push(
        `profile @${p.index}: ${e(p.id ?? '')} ${p.title ? `"${e(p.title)}"` : ''} [${p.sections.map(e).join(' ')}]`,
      );
    for (const f of s.uki.efifw) lines.push(`efifw: ${e(f.fwid)} (${f.payloadSize} bytes, ${f.format})`);
    const k = s.uki.linux;
    if (k) {
      lines.push(
        `kernel (.linux): ${e(k.release ?? '?')} ${k.machine ?? ''}, authenticode sha256 ${k.authenticodeSha256 ?? '-'}`,
      );
      for (const g of k.signatures) {
        lines.push(
          `  kernel signature #${g.index}${g.signer ? ` by ${e(g.signer)}` : ''}: ${verdictLine(g.verdict, 'the kernel')}`,
        );
        appendAll(lines, checkLines(g.verdict, '    '));
      }
      if (k.signatures.length === 0) lines.push('  kernel signature: none');
    }
  }
  for (const r of s.pcr11) {
    lines.push(
      `pcr11${r.profile === null ? '' : ` profile @${r.profile}`}${r.mode === 'ukify' ? '' : ' (stub, with .efifw)'}:`,
    );
    for (const [bank, v] of Object.entries(r.sections)) lines.push(`  ${'sections'.padEnd(40)} ${bank} ${v}`);
    for (const [path, banks] of Object.entries(r.phases))
      for (const [bank, v] of Object.entries(banks)) lines.push(`  ${e(path).padEnd(40)} ${bank} ${v}`);
  }
  return lines.join('\n') + '\n';
}

/** `--addon [global:|per-uki:]FILE` and `--profile N`: the command line, initrds and PCR 12 events (fuki §2.4, §2.7). */
function bootWithAddons(
  file: Uint8Array,
  specs: string[],
  profileArg: string | undefined,
  banks: HashAlgorithm[],
  io: CliIo,
) {
  const profile = decimalOption(profileArg, '--profile', { max: MAX_PROFILES - 1 }) ?? 0;
  const addons = parseAddonArgs(specs, io);
  const merged = mergeAddons({ file }, addons, { profile });
  const sel = profileSelectionEvent(profile);
  const pcr12 = predictPcr12(sel ? [sel, ...merged.pcr12] : merged.pcr12, { banks });
  const hex = (v: Partial<Record<string, Uint8Array>>) =>
    Object.fromEntries(Object.entries(v).map(([k, b]) => [k, toHex(b!)]));
  return {
    profile,
    cmdline: merged.cmdline,
    addons: merged.order,
    initrds: merged.initrds.map((i) => ({ source: i.source, kind: i.kind, size: i.data.length })),
    pcr12: {
      events: pcr12.events.map((e) => ({
        description: e.description,
        kind: e.kind,
        tag: e.tag,
        digests: hex(e.digests),
      })),
      values: hex(pcr12.values),
    },
    diagnostics: merged.diagnostics,
  };
}

function formatBoot(b: ReturnType<typeof bootWithAddons>): string {
  const lines = [
    `boot (profile @${b.profile}${b.addons.length ? `, add-ons ${b.addons.map(e).join(' ')}` : ''}):`,
    `  cmdline: ${e(b.cmdline)}`,
  ];
  for (const i of b.initrds) lines.push(`  initrd: ${i.kind} from ${e(i.source)} (${i.size} bytes)`);
  for (const ev of b.pcr12.events) lines.push(`  pcr12 event: ${e(ev.description)}`);
  for (const [bank, v] of Object.entries(b.pcr12.values))
    lines.push(`  pcr12 (these events only) ${bank} ${v}`);
  for (const d of b.diagnostics) lines.push(`  ${diagnosticLine(d)}`);
  return lines.join('\n') + '\n';
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, input } = oneFileWithAddons(
    args,
    { bank: { type: 'string', multiple: true }, profile: { type: 'string' }, esp: { type: 'string', multiple: true } },
    'PE file',
  );
  const banks = (values.bank ?? [...PCR_BANKS]) as HashAlgorithm[];
  for (const b of banks)
    if (!PCR_BANKS.includes(b)) throw new UsageError(`--bank must be one of ${PCR_BANKS.join(', ')}`);
  const file = io.readFile(input);
  const s = summarizePe({ file }, { banks });
  await verifySummarySignatures(file, s);
  const boot =
    values.addon || values.profile !== undefined
      ? bootWithAddons(file, values.addon ?? [], values.profile, banks, io)
      : undefined;
  // Stub-version-aware measured-boot prediction (evidence §4): PCR 4 images, 11, 12, the PCR 1 smbios tag, PCR 9.
  const measuredBoot =
    s.kind === 'uki' && !s.withheld
      ? bootPredictionView(
          predictBoot({ file }, parseAddonArgs(values.addon ?? [], io), {
            banks,
            sidecars: parseEspArgs(values.esp ?? [], io),
            ...(values.profile !== undefined ? { profile: Number(values.profile) } : {}),
          }),
        )
      : undefined;
  if (values.json)
    io.out(toJson({ ...s, ...(boot ? { boot } : {}), ...(measuredBoot ? { measuredBoot } : {}) }) + '\n');
  else {
    io.out(formatPeSummary(s));
    if (boot) io.out(formatBoot(boot));
    // Escaped line by line: the prediction quotes the UKI's command line (issue 11 item 6).
    if (measuredBoot) io.out(formatBootPrediction(measuredBoot).split('\n').map(e).join('\n'));
    for (const d of s.diagnostics) if (d.severity !== 'info') io.err(diagnosticLine(d) + '\n');
  }
  if (s.withheld) io.err(`fukiscope pe: ${s.withheld.reason}\n`);
  // Like inspect: an error diagnostic (a damaged PE, a bad .efifw, …) fails the command (issue 11 item 7), and so does
  // a signature that does not cover its file (or the kernel inside a UKI).
  return (s.kind === 'pe' && !s.format) ||
    hasErrors(s.diagnostics) ||
    (boot !== undefined && hasErrors(boot.diagnostics)) ||
    uncoveredSignatures(s).length > 0
    ? 1
    : 0;
}

export const peCommand: Command = {
  usage,
  run,
};
