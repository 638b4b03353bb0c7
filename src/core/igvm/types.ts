// The IGVM model, constants, flag decoders and header declarations in one import (igvm-format §2–§13). Split into
// constants.ts, model.ts (types derived from the declarations), flags.ts and registry.ts (the declared header
// types and what is derived from them).
export * from './constants';
export * from './flags';
export * from './model';
export { IGVM_BODY_SIZE, IGVM_PARAMETER_KIND_BY_TYPE, IGVM_PARAMETER_TYPE_BY_KIND } from './registry';
