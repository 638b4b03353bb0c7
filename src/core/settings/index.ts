export * from './int-literal';
export * from './launch-settings';
