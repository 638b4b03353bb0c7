// Reference-value exports: CoRIM (launch-measurement profile), Trustee reference values, the receipt JSON.
export * from './reference-values';
export * from './corim';
export * from './trustee';
export * from './receipt-json';
export { uuidV5 } from './uuid';
