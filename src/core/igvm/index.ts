export * from './types';
export { parseIgvm, type ParseIgvmOptions } from './parse';
export { igvmChecksum } from './fixed-header';
export { serializeIgvm, encodeNativeContext, encodeVbsContext, headerTypeOf, type SerializeIgvmOptions } from './serialize';
export { summarizeIgvm, type IgvmSummary, type IgvmPlatformSummary } from './summary';
export { IgvmBuilder, type PageOptions } from './builder';
export { workedExample } from './examples';
export { igvmPageMap, pageKind, type IgvmPageKind, type IgvmPageRun } from './page-map';
