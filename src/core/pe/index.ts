export * from './constants';
export * from './types';
export * from './parse';
export * from './certificates';
export * from './access';
export * from './edit';
