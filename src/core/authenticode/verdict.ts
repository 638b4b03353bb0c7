// The one verdict on an embedded Authenticode signature (fuki §3.3; Microsoft "Windows Authenticode Portable
// Executable Signature Format"; RFC 2315 §9.3 / RFC 5652 §5.4): a signature covers a file only when all three
// links of the chain from the file to the signer's key hold:
//   1. imageDigest      the file's Authenticode digest equals the digest in SpcIndirectDataContent;
//   2. messageDigest    the signed messageDigest attribute equals the digest of that SpcIndirectDataContent
//                       (its DER content octets), and the contentType attribute names it;
//   3. signerSignature  the signer's signature over the signed attributes verifies with the public key of the
//                       signer certificate.
// Each link alone is forgeable: (1) by re-digesting SpcIndirectDataContent after changing the file, (2) by also
// re-digesting the attribute, (3) only by the holder of the key. Whether the signer certificate is trusted (db,
// shim MOK, a chain to a CA) is a separate question this verdict does not answer.
// Plain data (structured-clone safe): the CLI, the worker and the UI show the same object.

export type CheckStatus = 'pass' | 'fail' | 'not-checked';

/** One check: its outcome and, always, why (what was compared, or why it could not be). */
export interface VerdictCheck {
  status: CheckStatus;
  reason: string;
}

export interface SignatureVerdict {
  imageDigest: VerdictCheck;
  messageDigest: VerdictCheck;
  signerSignature: VerdictCheck;
  /** True only when all three checks pass. */
  covers: boolean;
  /** Set when the signature blob could not be decoded; every check is then 'not-checked'. */
  undecodable?: string;
}

export const CHECK_LABELS = {
  imageDigest: 'image digest',
  messageDigest: 'messageDigest',
  signerSignature: 'signer signature',
} as const;

export type CheckName = keyof typeof CHECK_LABELS;
export const CHECK_NAMES = Object.keys(CHECK_LABELS) as CheckName[];

export const pass = (reason: string): VerdictCheck => ({ status: 'pass', reason });
export const fail = (reason: string): VerdictCheck => ({ status: 'fail', reason });
export const notChecked = (reason: string): VerdictCheck => ({ status: 'not-checked', reason });

/** The verdict of three checks: covers only when every one passes. */
export function signatureVerdict(checks: Record<CheckName, VerdictCheck>): SignatureVerdict {
  const { imageDigest, messageDigest, signerSignature } = checks;
  return {
    imageDigest,
    messageDigest,
    signerSignature,
    covers: CHECK_NAMES.every((n) => checks[n].status === 'pass'),
  };
}

/** The verdict on a blob that did not decode: nothing could be checked. */
export function undecodableVerdict(reason: string): SignatureVerdict {
  const c = notChecked(`the signature is undecodable: ${reason}`);
  return { imageDigest: c, messageDigest: c, signerSignature: c, covers: false, undecodable: reason };
}

/** The first check that did not pass (the reason a signature does not cover), if any. */
export function firstUnmet(v: SignatureVerdict): { name: CheckName; check: VerdictCheck } | undefined {
  const name = CHECK_NAMES.find((n) => v[n].status !== 'pass');
  return name && { name, check: v[name] };
}

/**
 * One line for a verdict: "covers this file", "undecodable: …", or "does not cover this file (messageDigest
 * fail: …)". `subject` names what the signature is meant to cover ("this file", "the kernel").
 */
export function verdictText(v: SignatureVerdict, subject = 'this file'): string {
  if (v.undecodable !== undefined) return `undecodable: ${v.undecodable}`;
  if (v.covers) return `covers ${subject}`;
  const u = firstUnmet(v)!;
  return `does not cover ${subject} (${CHECK_LABELS[u.name]} ${u.check.status}: ${u.check.reason})`;
}
