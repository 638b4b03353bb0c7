// One real boot for the boot test (evidence §4 set-up): a FAT ESP built with mtools, Debian's OVMF
// (OVMF_CODE_4M.fd read-only + a fresh copy of OVMF_VARS_4M.fd, Secure Boot off), swtpm with the four PCR banks,
// QEMU q35 under TCG. The serial console goes to a file. qemu and swtpm are always killed, on success, failure and
// timeout alike.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
export const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';

/** The host programs a boot needs, with the Debian package that provides each. */
export const BOOT_TOOLS: { path: string; pkg: string }[] = [
  { path: 'qemu-system-x86_64', pkg: 'qemu-system-x86' },
  { path: 'swtpm', pkg: 'swtpm' },
  { path: 'swtpm_setup', pkg: 'swtpm-tools' },
  { path: 'mformat', pkg: 'mtools' },
  { path: 'mcopy', pkg: 'mtools' },
  { path: 'mmd', pkg: 'mtools' },
  { path: OVMF_CODE, pkg: 'ovmf' },
  { path: OVMF_VARS, pkg: 'ovmf' },
  { path: '/usr/bin/busybox', pkg: 'busybox-static' },
];

function onPath(cmd: string): boolean {
  if (cmd.startsWith('/')) return existsSync(cmd);
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** What is missing, as "program (package)". */
export function missingBootTools(): string[] {
  return BOOT_TOOLS.filter((t) => !onPath(t.path)).map((t) => `${t.path} (${t.pkg})`);
}

export interface EspFile {
  /** ESP path with forward slashes, e.g. EFI/BOOT/BOOTX64.EFI. */
  path: string;
  data: Uint8Array;
}

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
}

/** A 64 MiB FAT32 image (no partition table: OVMF's FAT driver takes the whole disk) holding `files`. */
export function buildEsp(dir: string, files: EspFile[]): string {
  const img = join(dir, 'esp.img');
  writeFileSync(img, new Uint8Array(0));
  run('mformat', ['-i', img, '-C', '-F', '-T', '131072', '-h', '64', '-s', '32', '-v', 'ESP', '::'], dir);
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  for (const d of [...dirs].sort((a, b) => a.length - b.length)) run('mmd', ['-i', img, `::/${d}`], dir);
  files.forEach((f, i) => {
    const local = join(dir, `esp-file-${i}`);
    writeFileSync(local, f.data);
    run('mcopy', ['-i', img, local, `::/${f.path}`], dir);
  });
  return img;
}

export interface BootResult {
  serial: string;
  /** Why the boot did not finish (timeout, qemu exit status), if it did not. */
  failure?: string;
  seconds: number;
}

function waitFor(pred: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  return new Promise((res) => {
    const tick = () => (pred() ? res(true) : Date.now() > until ? res(false) : setTimeout(tick, 50));
    tick();
  });
}

function kill(p: ChildProcess | undefined): void {
  if (p && p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  if (p) live.delete(p);
}

/** Children still running: killed when the test process exits (a vitest timeout never reaches our finally). */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of live) kill(p);
});

/** Boots the ESP and returns the serial console. Never leaves a qemu or swtpm behind. */
export async function bootEsp(
  files: EspFile[],
  opts: { timeoutMs: number; memMiB?: number; keep?: boolean },
): Promise<BootResult> {
  const dir = mkdtempSync(join(tmpdir(), 'fukiscope-boot-'));
  const t0 = Date.now();
  let swtpm: ChildProcess | undefined;
  let qemu: ChildProcess | undefined;
  const serialPath = join(dir, 'serial.log');
  const readSerial = () => (existsSync(serialPath) ? readFileSync(serialPath, 'latin1') : '');
  try {
    const esp = buildEsp(dir, files);
    copyFileSync(OVMF_VARS, join(dir, 'vars.fd'));
    const state = join(dir, 'tpm');
    run('mkdir', ['-p', state], dir);
    run(
      'swtpm_setup',
      ['--tpm2', '--tpmstate', state, '--pcr-banks', 'sha1,sha256,sha384,sha512', '--overwrite'],
      dir,
    );
    const sock = join(dir, 'swtpm.sock');
    swtpm = spawn(
      'swtpm',
      ['socket', '--tpm2', '--tpmstate', `dir=${state}`, '--ctrl', `type=unixio,path=${sock}`, '--terminate'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    live.add(swtpm);
    let swtpmErr = '';
    swtpm.stderr!.on('data', (b: Buffer) => (swtpmErr += b.toString()));
    if (!(await waitFor(() => existsSync(sock), 10_000)))
      throw new Error(`swtpm did not create its socket: ${swtpmErr}`);
    const args = [
      '-machine',
      'q35',
      '-accel',
      'tcg',
      '-m',
      String(opts.memMiB ?? 512),
      '-smp',
      '1',
      '-display',
      'none',
      '-no-reboot',
      '-nodefaults',
      '-net',
      'none',
      '-drive',
      `if=pflash,format=raw,unit=0,readonly=on,file=${OVMF_CODE}`,
      '-drive',
      `if=pflash,format=raw,unit=1,file=${join(dir, 'vars.fd')}`,
      '-chardev',
      `socket,id=chrtpm,path=${sock}`,
      '-tpmdev',
      'emulator,id=tpm0,chardev=chrtpm',
      '-device',
      'tpm-crb,tpmdev=tpm0',
      '-drive',
      `if=none,id=esp,format=raw,file=${esp}`,
      '-device',
      'virtio-blk-pci,drive=esp,bootindex=1',
      '-serial',
      `file:${serialPath}`,
    ];
    qemu = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    live.add(qemu);
    let qemuErr = '';
    qemu.stderr!.on('data', (b: Buffer) => (qemuErr += b.toString()));
    const q = qemu;
    const exited = await waitFor(() => q.exitCode !== null || q.signalCode !== null, opts.timeoutMs);
    const seconds = (Date.now() - t0) / 1000;
    if (!exited)
      return {
        serial: readSerial(),
        failure: `timed out after ${opts.timeoutMs / 1000} s (qemu killed)`,
        seconds,
      };
    if (q.exitCode !== 0)
      return { serial: readSerial(), failure: `qemu exited with ${q.exitCode}: ${qemuErr.trim()}`, seconds };
    return { serial: readSerial(), seconds };
  } finally {
    kill(qemu);
    kill(swtpm);
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
  }
}
