// SECOND_TOKEN_ENCRYPTION_KEY accepts the three shapes the production checklist documents:
// 32 bytes in base64, 64 hex characters, or a passphrase (stretched later by the secret store).

import { ConfigError, secret, type VarSpec } from "#shared/config/env.ts"
import type { Secret } from "#shared/config/secret.ts"

export const MIN_PASSPHRASE_LENGTH = 32

const spec = secret("SECOND_TOKEN_ENCRYPTION_KEY", {
  describe: "key for stored OAuth/integration secrets: 32 bytes base64, 64 hex chars, or a 32+ char passphrase",
  example: "$(openssl rand -base64 32)",
})

export type EncryptionKeyShape = "hex" | "base64" | "passphrase"

export function encryptionKeyShape(value: string): EncryptionKeyShape | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return "hex"
  if (/^[A-Za-z0-9+/]{43}=?$/.test(value) && Buffer.from(value, "base64").length === 32) return "base64"
  if (value.length >= MIN_PASSPHRASE_LENGTH) return "passphrase"
  return null
}

export const tokenEncryptionKey: VarSpec<Secret | undefined> = {
  ...spec,
  parse(raw) {
    const parsed = spec.parse(raw)
    if (parsed !== undefined && encryptionKeyShape(parsed.reveal()) === null) {
      throw new ConfigError(
        spec.name,
        `must be 32 bytes in base64, 64 hex characters, or a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters (got ${parsed.length} characters)`,
        spec.example,
      )
    }
    return parsed
  },
}
