export * from './kernel-hashes';
export * from './placement';
