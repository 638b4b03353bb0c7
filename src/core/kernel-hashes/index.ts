export * from './kernel-hashes';
