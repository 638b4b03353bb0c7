// The composer's QEMU IGVM settings as the worker receives them (text fields, as typed), for the worker tests that
// compose from the corpus OVMF + UKI.
import type { ComposeRequest } from '../workers/compose';

export const QEMU_IGVM_SETTINGS: ComposeRequest['settings'] = {
  profile: 'qemu-igvm',
  vcpus: 1,
  vcpuType: 'EPYC-v4',
  vmm: 'QEMU',
  guestFeatures: '0x1',
  snpPolicy: '0x30000',
  platforms: ['SEV_SNP'],
};
