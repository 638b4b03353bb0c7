// Stands in for @noble/hashes in the one-file measure-ovmf bundle (vite.cli.config.ts, mode measure-ovmf): that
// bundle hashes through node:crypto only (measure-ovmf-main.ts sets it as the default backend before anything is
// hashed), and noble's modules are ~30 kB of the bundle with SHA-2 round tables built at load (~2-5 ms of each run,
// issue 16). Reaching one of these is a bug, and it fails loudly instead of hashing.
const absent = (): never => {
  throw new Error('@noble/hashes is not in the measure-ovmf bundle: it hashes through node:crypto');
};
const hasher = Object.assign(absent, { create: absent });

export const sha1 = hasher;
export const sha256 = hasher;
export const sha384 = hasher;
export const sha512 = hasher;
