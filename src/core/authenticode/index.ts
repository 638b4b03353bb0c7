export * from './digest';
export * from './signature';
export * from './verdict';
export * from './verify-signature';
