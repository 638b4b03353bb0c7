// IGVM_VHS_SUPPORTED_PLATFORM (§5.1) and its per-header checks.
import { u16, u32, u64, u8 } from '../bytes/bytes';
import { at, hex, isPow2, type ParseContext } from './context';
import { IGVM_PLATFORM_TYPE, IGVM_PLATFORM_TYPE_NAME, type IgvmHeaderBase, type IgvmSupportedPlatform } from './types';

export function decodeSupportedPlatform(ctx: ParseContext, base: IgvmHeaderBase, body: number): IgvmSupportedPlatform {
  const b = ctx.bytes;
  const h: IgvmSupportedPlatform = {
    ...base,
    kind: 'SupportedPlatform',
    compatibilityMask: u32(b, body),
    highestVtl: u8(b, body + 4),
    platformType: u8(b, body + 5),
    platformName: IGVM_PLATFORM_TYPE_NAME[u8(b, body + 5)],
    platformVersion: u16(b, body + 6),
    sharedGpaBoundary: u64(b, body + 8),
  };
  const w = at(base, '5.1');
  const d = ctx.diags;
  if (!isPow2(h.compatibilityMask))
    d.error('IGVM_PLATFORM_BAD_MASK', `compatibility_mask ${hex(h.compatibilityMask)} must have exactly one bit set`, w);
  if (h.highestVtl !== 0 && h.highestVtl !== 2)
    d.error('IGVM_PLATFORM_BAD_VTL', `highest_vtl ${h.highestVtl} must be 0 or 2`, w);
  if (h.platformName === undefined)
    d.error('IGVM_PLATFORM_BAD_TYPE', `platform_type ${h.platformType} is not a known IgvmPlatformType`, at(base, '5.2'));
  if (h.platformVersion !== 1)
    d.error('IGVM_PLATFORM_BAD_VERSION', `platform_version ${h.platformVersion} must be 1`, w);
  if (
    (h.platformType === IGVM_PLATFORM_TYPE.NATIVE || h.platformType === IGVM_PLATFORM_TYPE.VSM_ISOLATION) &&
    h.sharedGpaBoundary !== 0n
  )
    d.error(
      'IGVM_PLATFORM_BAD_SHARED_GPA_BOUNDARY',
      `shared_gpa_boundary ${hex(h.sharedGpaBoundary)} must be 0 for ${h.platformName}`,
      w,
    );
  if (isPow2(h.compatibilityMask) && !ctx.maskToPlatform.has(h.compatibilityMask))
    ctx.maskToPlatform.set(h.compatibilityMask, h.platformType);
  return h;
}
