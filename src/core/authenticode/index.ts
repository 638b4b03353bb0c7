export * from './digest';
export * from './signature';
