export * from './snp-plan';
export * from './tdx-plan';
export * from './inputs';
export * from './digest-cache';
export * from './receipt';
export * from './compose';
export * from './fuki-pe';
export * from './addon-matrix';
