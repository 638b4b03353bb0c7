#!/usr/bin/env bash
# Installs the Debian packages the test suite drives: chromium (Playwright's browser: no browser download
# is possible here), python3-pefile (an independent PE loader for the UKI builder tests) and openssl
# (the hashing floor in bench/), and what the boot test boots with (boot/, src/test-support/bootlab/): QEMU, OVMF,
# swtpm + swtpm_setup, mtools for the ESP, busybox-static for the guest initrd, cpio (extra-cpio.test.ts reads
# our archives back with GNU cpio). Only installs what is missing.
set -euo pipefail
need=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || need+=(chromium)
/usr/bin/python3 -c 'import pefile' 2>/dev/null || need+=(python3-pefile)
command -v openssl >/dev/null || need+=(openssl)
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
[ -r /usr/share/OVMF/OVMF_CODE_4M.fd ] && [ -r /usr/share/OVMF/OVMF_VARS_4M.fd ] || need+=(ovmf)
command -v swtpm >/dev/null || need+=(swtpm)
command -v swtpm_setup >/dev/null || need+=(swtpm-tools)
command -v mformat >/dev/null && command -v mcopy >/dev/null && command -v mmd >/dev/null || need+=(mtools)
# The guest initrd needs the static busybox (the dynamic one cannot run in our initrd).
{ [ -x /usr/bin/busybox ] && ! ldd /usr/bin/busybox >/dev/null 2>&1; } || need+=(busybox-static)
command -v cpio >/dev/null || need+=(cpio)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi
