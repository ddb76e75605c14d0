// Which secret store the web opens for which configuration, through openServices as the servers
// call it: local under the key, Vault when WORKOS_API_KEY is set, and otherwise a store that says
// what to set rather than storing anything.

import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { SecretKeyError, type SecretScope } from "#shared/secrets/secret-store.ts"
import { startFakeWorkosVault, type FakeWorkosVault } from "#tests/fixtures/fake-workos-vault.ts"
import { loadWebConfig } from "../config/config.server.ts"
import { createLog } from "../log.server.ts"
import { closeServices, openServices, type WebServices } from "../services.server.ts"
import { UNCONFIGURED_MESSAGE } from "./open-secret-store.server.ts"

const quiet = createLog({ json: true, write: () => {} })
const where: SecretScope = { workspaceId: "ws_open", purpose: "integration_secret" }

describe("opening the secret store with the services", () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })
  async function services(env: Record<string, string>): Promise<WebServices> {
    const dir = mkdtempSync(join(tmpdir(), "second-open-secrets-"))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const opened = await openServices(loadWebConfig({ SECOND_DATA_DIR: dir, ...env }), quiet)
    cleanups.push(() => closeServices(opened))
    return opened
  }
  const vault = async (): Promise<FakeWorkosVault> => {
    const started = await startFakeWorkosVault()
    cleanups.push(() => started.close())
    return started
  }

  it("opens the local store under SECOND_TOKEN_ENCRYPTION_KEY", async () => {
    const opened = await services({ SECOND_TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("hex") })
    expect(opened.secretStoreStatus).toEqual({ kind: "local", ready: true, message: null })
    const ref = await opened.secrets.put(where, "local-value")
    expect(ref).toMatch(/^local:/)
    expect(await opened.secrets.get(ref, where)).toBe("local-value")
  })

  it("prefers WorkOS Vault when WORKOS_API_KEY is set, even beside a key", async () => {
    const fake = await vault()
    const opened = await services({
      WORKOS_API_KEY: fake.apiKey,
      SECOND_WORKOS_API_URL: fake.url.origin,
      SECOND_TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    })
    expect(opened.secretStoreStatus).toEqual({ kind: "workos-vault", ready: true, message: null })
    const ref = await opened.secrets.put(where, "vault-value")
    expect(ref).toMatch(/^vault:/)
    expect([...fake.objects().values()].map((object) => object.value)).toEqual(["vault-value"])
  })

  it("without a key or Vault, refuses to store and says what to set", async () => {
    const opened = await services({})
    expect(opened.secretStoreStatus).toEqual({ kind: "unconfigured", ready: false, message: UNCONFIGURED_MESSAGE })
    await expect(opened.secrets.put(where, "nowhere")).rejects.toThrow(new SecretKeyError(UNCONFIGURED_MESSAGE))
    await expect(opened.secrets.replace("local:abc", where, "nowhere")).rejects.toBeInstanceOf(SecretKeyError)
    expect(await opened.secrets.get("local:abc", where)).toBeNull()
  })
})
