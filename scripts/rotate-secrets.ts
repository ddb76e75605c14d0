// `npm run secrets:rotate`: re-wraps every stored secret under SECOND_TOKEN_ENCRYPTION_KEY, reading
// the ones still under a key listed in SECOND_TOKEN_ENCRYPTION_KEY_PREVIOUS. Reads the web's
// configuration exactly as the server does (and, outside production, the data directory's
// generated key as `npm start` does). Prints counts and key ids, never a value. Safe to run while
// the servers run and to run again: each secret is one atomic update, done ones are skipped.
// Exit status: 0 when everything is under the current key afterwards, 1 otherwise.

import { existsSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { loadWebConfig } from "#app/config/config.server.ts"
import { createLog } from "#app/log.server.ts"
import { openSecretStore } from "#app/secrets/open-secret-store.server.ts"
import { LOCAL_SECRETS_FILE } from "#app/server/local-secrets.server.ts"
import { configOrExit, exitOnSecretKeyError } from "#app/server/process-lifecycle.server.ts"
import { openStore } from "#app/services.server.ts"
import type { Env } from "#shared/config/env.ts"

/** Outside production, the key `npm start` generated, unless the environment names one. Never creates it. */
function withGeneratedKey(env: Env): Env {
  if (env["NODE_ENV"] === "production" || env["SECOND_TOKEN_ENCRYPTION_KEY"]?.trim()) return env
  const file = join(resolve(env["SECOND_DATA_DIR"]?.trim() || ".second-dev"), LOCAL_SECRETS_FILE)
  if (!existsSync(file)) return env
  const parsed: unknown = JSON.parse(readFileSync(file, "utf8"))
  const key = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>)["tokenEncryptionKey"] : undefined
  return typeof key === "string" ? { ...env, SECOND_TOKEN_ENCRYPTION_KEY: key } : env
}

const config = configOrExit(() => loadWebConfig(withGeneratedKey(process.env)))
const log = createLog({ json: config.production })
const store = await openStore(config, log)
try {
  const opened = await openSecretStore(config, store, { verify: false }).catch(exitOnSecretKeyError)
  if (opened.status.kind === "workos-vault") {
    console.log("Secrets are kept in WorkOS Vault (WORKOS_API_KEY is set); Vault rotates its own keys, so there is nothing to re-wrap here.")
  } else if (opened.local === null) {
    console.error(`Nothing to rotate: ${opened.status.message ?? "no secret store is configured"}.`)
    process.exitCode = 1
  } else {
    const report = await opened.local.rotate()
    console.log(
      `Secrets under key id ${opened.local.keyId}: ${report.rewrapped} re-wrapped, ${report.alreadyCurrent} already current, ` +
        `${report.changedMeanwhile} changed meanwhile (left as they are; run again once every server has the new key), ${report.total} in all.`,
    )
    if (report.unknownKeyIds.length > 0) {
      console.error(
        `Not rotated: secrets under key id ${report.unknownKeyIds.join(", ")}, which is neither SECOND_TOKEN_ENCRYPTION_KEY nor in SECOND_TOKEN_ENCRYPTION_KEY_PREVIOUS. Add that key to SECOND_TOKEN_ENCRYPTION_KEY_PREVIOUS and run this again.`,
      )
      process.exitCode = 1
    }
    if (report.unreadable > 0) {
      console.error(`Not rotated: ${report.unreadable} secret(s) that do not authenticate under their key (altered or copied); enter them anew.`)
      process.exitCode = 1
    }
  }
} finally {
  await store.close()
}
