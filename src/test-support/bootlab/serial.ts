// Reads what the boot test's /init printed on the serial console (guest-initrd.ts): the PCRs per bank and the
// event log. Everything else on the console (firmware, kernel) is ignored; a missing marker is an error that
// says how far the guest got.
import { MARK } from './guest-initrd';

export interface GuestReport {
  /** bank → PCR index → lowercase hex. */
  pcrs: Record<string, Record<string, string>>;
  log: Uint8Array;
  cmdline: string;
}

export interface SerialError {
  error: string;
  /** The boot itself failed before our /init (worth one retry), as opposed to a wrong report. */
  infrastructure?: boolean;
}

export function parseSerial(text: string): GuestReport | SerialError {
  const lines = text.split(/\r?\n/);
  const at = (s: string) => lines.findIndex((l) => l.trim() === `${MARK} ${s}`);
  const begin = at('BEGIN');
  if (begin < 0) {
    const panic = lines.find((l) => l.includes('Kernel panic'));
    if (panic)
      return { error: `the kernel panicked before our /init ran: ${panic.trim()}`, infrastructure: true };
    return {
      error: text.includes('EFI stub:')
        ? "the kernel started but the boot test's /init printed nothing"
        : 'the kernel never started (no "EFI stub:" line on the console)',
      infrastructure: true,
    };
  }
  const logBegin = at('LOG BEGIN');
  const logEnd = at('LOG END');
  if (at('END') < 0 || logBegin < 0 || logEnd < logBegin)
    return { error: 'the guest report is truncated (no END marker)' };
  const pcrs: GuestReport['pcrs'] = {};
  let cmdline = '';
  for (const l of lines.slice(begin, logBegin)) {
    const m = new RegExp(`^${MARK} PCR (sha\\d+) (\\d+) ([0-9A-Fa-f]+)\\s*$`).exec(l.trim());
    if (m) (pcrs[m[1]!] ??= {})[m[2]!] = m[3]!.toLowerCase();
    const c = new RegExp(`^${MARK} CMDLINE (.*)$`).exec(l.trim());
    if (c) cmdline = c[1]!;
  }
  if (Object.keys(pcrs).length === 0)
    return { error: 'the guest printed no PCRs (no /sys/class/tpm/tpm0/pcr-*)' };
  const b64 = lines
    .slice(logBegin + 1, logEnd)
    .map((l) => l.trim())
    .join('');
  if (!/^[A-Za-z0-9+/=]*$/.test(b64))
    return { error: 'the event log on the console is not base64 (console noise?)' };
  const log = Buffer.from(b64, 'base64');
  if (log.length === 0) return { error: 'the guest printed an empty event log' };
  return { pcrs, log: new Uint8Array(log.buffer, log.byteOffset, log.byteLength), cmdline };
}
