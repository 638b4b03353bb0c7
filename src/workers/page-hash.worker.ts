// One worker of the page-hash pool (page-hash-pool.ts): SHA-384 of packed 4 KiB pages, with the WebAssembly backend
// (synchronous, no promise per page) where it loads, with WebCrypto otherwise.
import { loadWasmHash } from '../core/hash/wasm';
import { answerPageHashRequest, type PageHashRequest } from './page-hash-pool';

const wasm = loadWasmHash();

self.onmessage = async (ev: MessageEvent<PageHashRequest>) => {
  const reply = await answerPageHashRequest(ev.data, crypto.subtle, await wasm);
  (self as unknown as Worker).postMessage(reply, reply.hashes ? [reply.hashes] : []);
};
