// Launch measurement engines: SNP launch digest, TDX MRTD, VBS boot digest, igvmmeasure SEV/SEV-ES.
export * from './snp-page-info';
export * from './tdx-records';
export * from './options';
export * from './ledger';
export * from './source';
export * from './snp-chain';
export * from './snp';
export * from './tdx';
export * from './vbs';
export * from './sev';
export * from './measure-igvm';
