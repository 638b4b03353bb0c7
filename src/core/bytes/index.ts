export * from './bytes';
export * from './writer';
export * from './crc32';
