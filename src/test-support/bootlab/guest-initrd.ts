// The boot test's own initrd (issue 14 item 5): Debian's busybox-static plus an /init that prints the TPM's
// PCRs (sysfs `pcr-<alg>/<n>`, kernel 5.12+) and the firmware's event log (securityfs, base64) to the serial
// console between markers, then powers the guest off. Written as newc by our own cpio writer.
import { readFileSync } from 'node:fs';
import { textEncoder, type Bytes } from '../../core/bytes/bytes';
import { newcArchive, type CpioEntry } from '../../core/uki/extra-cpio';

export const BUSYBOX = '/usr/bin/busybox';
export const MARK = 'FUKISCOPE-BOOT';
export const BANKS = ['sha1', 'sha256', 'sha384', 'sha512'] as const;

const INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t securityfs securityfs /sys/kernel/security
exec >/dev/ttyS0 2>&1
i=0
while [ ! -r /sys/kernel/security/tpm0/binary_bios_measurements ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i+1)); done
echo "${MARK} BEGIN"
echo "${MARK} CMDLINE $(cat /proc/cmdline)"
for alg in ${BANKS.join(' ')}; do
  for n in $(seq 0 23); do
    f=/sys/class/tpm/tpm0/pcr-$alg/$n
    [ -r $f ] && echo "${MARK} PCR $alg $n $(cat $f)"
  done
done
echo "${MARK} LOG BEGIN"
base64 /sys/kernel/security/tpm0/binary_bios_measurements
echo "${MARK} LOG END"
echo "${MARK} END"
sync
poweroff -f
`;

export function guestInitrd(busybox = BUSYBOX): Bytes {
  const bb = readFileSync(busybox);
  const dir = (name: string): CpioEntry => ({ name, mode: 0o040755 });
  const entries: CpioEntry[] = [
    dir('bin'),
    dir('dev'),
    dir('proc'),
    dir('sys'),
    { name: 'bin/busybox', mode: 0o100755, data: new Uint8Array(bb.buffer, bb.byteOffset, bb.byteLength) },
    { name: 'init', mode: 0o100755, data: textEncoder.encode(INIT) },
  ];
  return newcArchive(entries)!;
}
