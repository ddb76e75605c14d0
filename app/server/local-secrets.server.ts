// The embedded default's generated secrets: created on first start, kept in the gitignored data
// directory (0700 dir, 0600 file) so sessions, the web↔worker token and encrypted secrets
// survive restarts. A value set in the environment always wins over the generated one.

import { randomBytes } from "node:crypto"
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { Env } from "#shared/config/env.ts"

export interface LocalSecrets {
  readonly internalApiToken: string
  readonly noAuthSessionSecret: string
  readonly tokenEncryptionKey: string
}

export const LOCAL_SECRETS_FILE = "secrets.json"

const generate = (): LocalSecrets => ({
  internalApiToken: randomBytes(32).toString("hex"),
  noAuthSessionSecret: randomBytes(32).toString("hex"),
  tokenEncryptionKey: randomBytes(32).toString("base64"),
})

function isLocalSecrets(value: unknown): value is LocalSecrets {
  if (typeof value !== "object" || value === null) return false
  const record = value as Record<string, unknown>
  return ["internalApiToken", "noAuthSessionSecret", "tokenEncryptionKey"].every((key) => typeof record[key] === "string")
}

/** Reads the data directory's secrets, creating them on first use. `created` says which happened. */
export function loadOrCreateLocalSecrets(dataDir: string): { secrets: LocalSecrets; created: boolean; file: string } {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  chmodSync(dataDir, 0o700)
  const file = join(dataDir, LOCAL_SECRETS_FILE)
  if (existsSync(file)) {
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"))
    if (!isLocalSecrets(parsed)) throw new Error(`${file} is not a secrets file written by Second; move it away to regenerate`)
    return { secrets: parsed, created: false, file }
  }
  const secrets = generate()
  // "wx": never overwrite a file another process created a moment ago.
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: "wx" })
  return { secrets, created: true, file }
}

/** The environment with generated secrets filling in whatever the operator did not set. */
export function withLocalSecrets(env: Env, secrets: LocalSecrets): Env {
  const fill = (name: string, value: string) => (env[name]?.trim() ? env[name] : value)
  return {
    ...env,
    INTERNAL_API_TOKEN: fill("INTERNAL_API_TOKEN", secrets.internalApiToken),
    SECOND_NO_AUTH_SESSION_SECRET: fill("SECOND_NO_AUTH_SESSION_SECRET", secrets.noAuthSessionSecret),
    SECOND_TOKEN_ENCRYPTION_KEY: fill("SECOND_TOKEN_ENCRYPTION_KEY", secrets.tokenEncryptionKey),
  }
}
