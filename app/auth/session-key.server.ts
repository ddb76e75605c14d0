// The key that signs session cookies. SECOND_NO_AUTH_SESSION_SECRET when set (the embedded default
// generates one); otherwise derived from INTERNAL_API_TOKEN, which production always has and every
// web instance shares; otherwise a random key for this process only, with a warning.

import { hkdfSync, randomBytes } from "node:crypto"
import type { WebConfig } from "../config/config.server.ts"

export type SessionKeySource = "session-secret" | "internal-token" | "ephemeral"

const derive = (secret: string) => new Uint8Array(hkdfSync("sha256", secret, "", "second/session-cookie/v1", 32))

export function resolveSessionKey(config: WebConfig): { key: Uint8Array; source: SessionKeySource } {
  if (config.noAuthSessionSecret) return { key: derive(config.noAuthSessionSecret.reveal()), source: "session-secret" }
  if (config.internalApiToken) return { key: derive(config.internalApiToken.reveal()), source: "internal-token" }
  return { key: new Uint8Array(randomBytes(32)), source: "ephemeral" }
}
