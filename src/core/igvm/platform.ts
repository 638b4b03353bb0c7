// Platform headers (igvm-format §5), one declaration each: IGVM_VHS_SUPPORTED_PLATFORM (§5.1).
import { at, hex, isPow2 } from './context';
import {
  IGVM_PLATFORM_TYPE,
  IGVM_PLATFORM_TYPE_NAME,
  IGVM_VHT,
  type IgvmPlatformTypeName,
} from './constants';
import { igvmHeader, u16h, u32h, u64h, u8h } from './header-fields';

const platformText = (v: number | bigint) => `${v} (${IGVM_PLATFORM_TYPE_NAME[Number(v)] ?? 'unknown'})`;

export const SUPPORTED_PLATFORM = igvmHeader<{
  /** Name of `platformType`, undefined when unknown. */ platformName?: IgvmPlatformTypeName;
}>()({
  kind: 'SupportedPlatform',
  type: IGVM_VHT.SUPPORTED_PLATFORM,
  struct: 'IGVM_VHS_SUPPORTED_PLATFORM',
  section: 'platform',
  specSection: '5.1',
  bodySize: 16,
  fields: [
    u32h('compatibility_mask', 0, { doc: 'the one bit other headers use to name this platform' }),
    u8h('highest_vtl', 4),
    u8h('platform_type', 5, { text: platformText }),
    u16h('platform_version', 6),
    u64h('shared_gpa_boundary', 8),
  ],
  finish(h, ctx) {
    h.platformName = IGVM_PLATFORM_TYPE_NAME[h.platformType];
    const w = at(h, '5.1');
    const d = ctx.diags;
    if (!isPow2(h.compatibilityMask))
      d.error(
        'IGVM_PLATFORM_BAD_MASK',
        `compatibility_mask ${hex(h.compatibilityMask)} must have exactly one bit set`,
        w,
      );
    if (h.highestVtl !== 0 && h.highestVtl !== 2)
      d.error('IGVM_PLATFORM_BAD_VTL', `highest_vtl ${h.highestVtl} must be 0 or 2`, w);
    if (h.platformName === undefined)
      d.error(
        'IGVM_PLATFORM_BAD_TYPE',
        `platform_type ${h.platformType} is not a known IgvmPlatformType`,
        at(h, '5.2'),
      );
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
  },
});

/** The platform headers this reader knows, in type order. */
export const PLATFORM_HEADERS = [SUPPORTED_PLATFORM] as const;
