// Name-based UUIDs, version 5 (RFC 9562 §5.5): SHA-1 over namespace ‖ name, version and variant bits set.
// Ten lines over the core's own SHA-1 rather than the `uuid` package: its Node build imports node:crypto,
// which src/core may not (ARCHITECTURE.md), and the core already has SHA-1 in every host.
import { toHex } from '../bytes/bytes';
import { defaultHash, type HashBackend } from '../hash/hash';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuidBytes(uuid: string): Uint8Array {
  if (!UUID_RE.test(uuid)) throw new RangeError(`not a UUID: ${uuid}`);
  const hex = uuid.replace(/-/g, '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The lowercase hyphenated UUIDv5 of `name` (UTF-8) in `namespace`. */
export function uuidV5(namespace: string, name: string, hash: HashBackend = defaultHash()): string {
  const ns = uuidBytes(namespace);
  const n = new TextEncoder().encode(name);
  const input = new Uint8Array(ns.length + n.length);
  input.set(ns, 0);
  input.set(n, ns.length);
  const d = hash.digest('sha1', input).slice(0, 16);
  d[6] = (d[6]! & 0x0f) | 0x50;
  d[8] = (d[8]! & 0x3f) | 0x80;
  const h = toHex(d);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
