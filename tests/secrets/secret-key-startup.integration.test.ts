// The secret store's promises about starting and rotating, proven on real processes: production
// refuses to start with OAuth on and neither key nor Vault; a key that cannot read what is stored
// stops the web process with one line naming the variable (never garbage later, never the key);
// `secrets:rotate` moves everything to the new key and prints counts, never values.

import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { productionEnv } from "#app/config/production-env.fixture.ts"
import { createLocalSecretStore } from "#app/secrets/local-secret-store.server.ts"
import { storedSecrets } from "#app/secrets/secret-collections.server.ts"
import { SQLITE_FILE_NAME } from "#app/services.server.ts"
import { allCollections } from "#app/store/collections.server.ts"
import { openSqliteStore } from "#app/store/sqlite-store.server.ts"
import { parseEncryptionKey } from "#shared/secrets/envelope.ts"
import type { SecretScope } from "#shared/secrets/secret-store.ts"
import { freePort } from "#tests/fixtures/free-port.ts"

const TSX = resolve("node_modules/.bin/tsx")
// Variables a developer's shell might carry that would change what the process does.
const NEUTRALIZED = ["NODE_ENV", "MONGODB_URI", "REDIS_URL", "PORT", "HOST", "SECOND_DATA_DIR", "INTERNAL_API_TOKEN", "WORKER_URL", "WORKOS_API_KEY"]
const NEUTRALIZED_PREFIX = "SECOND_"

interface Finished {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs a TypeScript entry to completion (bounded by the test timeout) and returns what it printed. */
function run(entry: string, env: Record<string, string>): Promise<Finished> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !NEUTRALIZED.includes(name) && !name.startsWith(NEUTRALIZED_PREFIX)),
  )
  const child = spawn(TSX, entry.split(" "), { env: { ...base, ...env } as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] })
  let stdout = ""
  let stderr = ""
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")))
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")))
  return new Promise((done) => child.once("close", (code) => done({ code, stdout, stderr })))
}

const key = () => randomBytes(32).toString("base64")
const where: SecretScope = { workspaceId: "ws_boot", purpose: "oauth_refresh_token" }

describe("secret keys at startup and rotation", () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "second-keys-"))
    dirs.push(dir)
    return dir
  }

  /** Writes secrets under `rawKey` into the data directory's SQLite file, as a running server would. */
  async function seed(dir: string, rawKey: string, values: readonly string[]) {
    const store = openSqliteStore({ file: join(dir, SQLITE_FILE_NAME), collections: allCollections })
    const secrets = createLocalSecretStore({ store, current: parseEncryptionKey(rawKey) })
    const refs = []
    for (const value of values) refs.push(await secrets.put(where, value))
    await store.close()
    return refs
  }

  it("refuses to start in production with OAuth on and neither an encryption key nor WorkOS Vault", async () => {
    const { SECOND_TOKEN_ENCRYPTION_KEY: _key, ...withoutKey } = productionEnv
    const result = await run("app/server/web.ts", withoutKey)
    expect(result.code).toBe(1)
    expect(result.stderr.trim()).toBe(
      "Invalid configuration: SECOND_TOKEN_ENCRYPTION_KEY is required in production when OAuth integrations are on and WORKOS_API_KEY is not set (or set SECOND_OAUTH_DISABLED=1). Example: SECOND_TOKEN_ENCRYPTION_KEY=$(openssl rand -base64 32)",
    )
  })

  it("stops the web process with one clear line when the key is not the one the stored secrets were encrypted with", async () => {
    const dir = dataDir()
    const original = key()
    await seed(dir, original, ["rt-boot-secret-1"])
    const wrong = key()
    const result = await run("app/server/web.ts", { SECOND_DATA_DIR: dir, PORT: "0", SECOND_TOKEN_ENCRYPTION_KEY: wrong })
    expect(result.code).toBe(1)
    expect(result.stderr.trim()).toBe(
      `Cannot start: The stored secrets were encrypted with another key (key id ${parseEncryptionKey(original).id}); set SECOND_TOKEN_ENCRYPTION_KEY to that key, or put it in SECOND_TOKEN_ENCRYPTION_KEY_PREVIOUS and run npm run secrets:rotate`,
    )
    for (const printed of [result.stdout, result.stderr]) {
      expect(printed).not.toContain(wrong)
      expect(printed).not.toContain(original)
      expect(printed).not.toContain("rt-boot-secret-1")
    }
  })

  it("stops npm start's process when .second-dev/secrets.json was lost and a new key generated", async () => {
    const dir = dataDir()
    const lost = key()
    await seed(dir, lost, ["rt-embedded-secret"])
    // --dev: the same start-up as npm start without needing a build; it stops before serving.
    const result = await run("app/server/embedded.ts --dev", {
      SECOND_DATA_DIR: dir,
      SECOND_WORKSPACES_DIR: join(dir, "worker"),
      PORT: String(await freePort()),
    })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      `Cannot start: The stored secrets were encrypted with another key (key id ${parseEncryptionKey(lost).id}); set SECOND_TOKEN_ENCRYPTION_KEY to that key`,
    )
    expect(result.stdout + result.stderr).not.toContain("rt-embedded-secret")
    expect(result.stdout).not.toContain("Second is running")
  })

  it("rotates a data directory to a new key from a child process, printing counts and never values", async () => {
    const dir = dataDir()
    const keyA = key()
    const keyB = key()
    const values = ["rotate-me-1", "rotate-me-2", "rotate-me-3"]
    const refs = await seed(dir, keyA, values)

    const rotated = await run("scripts/rotate-secrets.ts", {
      SECOND_DATA_DIR: dir,
      SECOND_TOKEN_ENCRYPTION_KEY: keyB,
      SECOND_TOKEN_ENCRYPTION_KEY_PREVIOUS: keyA,
    })
    expect(rotated.stderr).toBe("")
    expect(rotated.code).toBe(0)
    expect(rotated.stdout).toContain(`Secrets under key id ${parseEncryptionKey(keyB).id}: 3 re-wrapped, 0 already current`)
    for (const secret of [...values, keyA, keyB]) expect(rotated.stdout + rotated.stderr).not.toContain(secret)

    // Run again: nothing left to do.
    const again = await run("scripts/rotate-secrets.ts", { SECOND_DATA_DIR: dir, SECOND_TOKEN_ENCRYPTION_KEY: keyB, SECOND_TOKEN_ENCRYPTION_KEY_PREVIOUS: keyA })
    expect(again.stdout).toContain("0 re-wrapped, 3 already current")

    const store = openSqliteStore({ file: join(dir, SQLITE_FILE_NAME), collections: allCollections })
    try {
      const underB = createLocalSecretStore({ store, current: parseEncryptionKey(keyB) })
      await underB.verifyKeys()
      expect(await Promise.all(refs.map((ref) => underB.get(ref, where)))).toEqual(values)
      expect(await store.collection(storedSecrets).count({ keyId: parseEncryptionKey(keyA).id })).toBe(0)
    } finally {
      await store.close()
    }

    // Without the previous key the script names the stray key id and fails.
    const dirC = dataDir()
    await seed(dirC, keyA, ["stray"])
    const stray = await run("scripts/rotate-secrets.ts", { SECOND_DATA_DIR: dirC, SECOND_TOKEN_ENCRYPTION_KEY: keyB })
    expect(stray.code).toBe(1)
    expect(stray.stderr).toContain(`Not rotated: secrets under key id ${parseEncryptionKey(keyA).id}`)
  })
})
