// What an audit event records of a body it must not copy (a source snapshot, a file, agents.json,
// a settings object): a fingerprint that shows whether two states are the same, never the content.

import { createHash } from "node:crypto"
import { canonicalJson } from "#shared/agents/canonical-hash.ts"

/**
 * `"sha256:<hex>"` of the value's canonical JSON (keys sorted, no whitespace), so the same state
 * hashes alike however it was built. Strings and bytes are hashed as they are (file contents).
 * NOTE: a hash of a short, guessable secret can be brute-forced: never hash secrets, leave them out.
 */
export function auditHash(value: unknown): string {
  const bytes = typeof value === "string" ? value : value instanceof Uint8Array ? value : canonicalJson(value)
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`
}
