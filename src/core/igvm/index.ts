export * from './types';
export { parseIgvm, type ParseIgvmOptions } from './parse';
export { igvmChecksum } from './fixed-header';
