// One worker of the page-hash pool (page-hash-pool.ts): SHA-384 of packed 4 KiB pages with WebCrypto.
import { answerPageHashRequest, type PageHashRequest } from './page-hash-pool';

self.onmessage = async (ev: MessageEvent<PageHashRequest>) => {
  const reply = await answerPageHashRequest(ev.data);
  (self as unknown as Worker).postMessage(reply, reply.hashes ? [reply.hashes] : []);
};
