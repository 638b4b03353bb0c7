export * from './vcpu-types';
export * from './layout';
export * from './build';
export * from './decode';
export * from './diff';
