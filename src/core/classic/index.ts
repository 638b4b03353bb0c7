export * from './types';
export * from './constants';
export * from './snp-ledger';
export * from './snp';
export * from './classic';
export * from './tdvf-mrtd';
export * from './svsm';
