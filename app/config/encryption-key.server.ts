// SECOND_TOKEN_ENCRYPTION_KEY accepts the three shapes the production checklist documents:
// 32 bytes in base64, 64 hex characters, or a passphrase (stretched by scrypt in
// shared/secrets/envelope.ts). SECOND_TOKEN_ENCRYPTION_KEY_PREVIOUS takes the same shapes, for
// keys a rotation is moving away from.

import { ConfigError, secret, type VarSpec } from "#shared/config/env.ts"
import { Secret } from "#shared/config/secret.ts"
import { encryptionKeyShape, MIN_PASSPHRASE_LENGTH } from "#shared/secrets/envelope.ts"

export { encryptionKeyShape, MIN_PASSPHRASE_LENGTH, type EncryptionKeyShape } from "#shared/secrets/envelope.ts"

const spec = secret("SECOND_TOKEN_ENCRYPTION_KEY", {
  describe: "key for stored OAuth/integration secrets: 32 bytes base64, 64 hex chars, or a 32+ char passphrase",
  example: "$(openssl rand -base64 32)",
})

const shapeProblem = (length: number) =>
  `must be 32 bytes in base64, 64 hex characters, or a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters (got ${length} characters)`

export const tokenEncryptionKey: VarSpec<Secret | undefined> = {
  ...spec,
  parse(raw) {
    const parsed = spec.parse(raw)
    if (parsed !== undefined && encryptionKeyShape(parsed.reveal()) === null) {
      throw new ConfigError(spec.name, shapeProblem(parsed.length), spec.example)
    }
    return parsed
  },
}

const previousSpec = secret("SECOND_TOKEN_ENCRYPTION_KEY_PREVIOUS", {
  describe: "keys being rotated away from (same shapes, comma-separated): still decrypt until `npm run secrets:rotate` re-wraps everything",
  example: "$(openssl rand -base64 32)",
})

export const tokenEncryptionKeyPrevious: VarSpec<readonly Secret[]> = {
  ...previousSpec,
  parse(raw) {
    const parsed = previousSpec.parse(raw)
    if (parsed === undefined) return []
    // NOTE: comma-separated, so a passphrase listed here must not contain a comma (base64 and hex never do).
    const parts = parsed.reveal().split(",").map((part) => part.trim()).filter(Boolean)
    return parts.map((part, index) => {
      if (encryptionKeyShape(part) === null) {
        throw new ConfigError(previousSpec.name, `key ${index + 1} ${shapeProblem(part.length)}`, previousSpec.example)
      }
      return new Secret(part)
    })
  },
}
