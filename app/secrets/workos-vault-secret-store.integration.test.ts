// The secret store contract against the WorkOS Vault adapter talking real HTTP to a fake of the
// Vault KV API, and what only a remote store can get wrong: auth, outages, hangs, and leaking the
// API key or a value into an error.

import { afterEach, describe, expect, it } from "vitest"
import { Secret } from "#shared/config/secret.ts"
import { SecretKeyError, SecretScopeMismatch, SecretStoreUnavailable, type SecretScope } from "#shared/secrets/secret-store.ts"
import { secretStoreContract } from "#tests/contracts/secret-store.contract.ts"
import { startFakeWorkosVault, type FakeWorkosVault } from "#tests/fixtures/fake-workos-vault.ts"
import { createWorkosVaultSecretStore } from "./workos-vault-secret-store.server.ts"

secretStoreContract("WorkOS Vault (fake HTTP API)", {
  async fresh() {
    const vault = await startFakeWorkosVault()
    return {
      store: createWorkosVaultSecretStore({ apiKey: new Secret(vault.apiKey), baseUrl: vault.url }),
      storedCount: async () => vault.objects().size,
      cleanup: () => vault.close(),
    }
  },
})

describe("WorkOS Vault secret store", () => {
  const vaults: FakeWorkosVault[] = []
  afterEach(async () => {
    for (const vault of vaults.splice(0)) await vault.close()
  })
  const started = async () => {
    const vault = await startFakeWorkosVault()
    vaults.push(vault)
    return vault
  }
  const where: SecretScope = { workspaceId: "ws_vault", purpose: "oauth_refresh_token" }
  const caught = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error as Error)

  it("sends the bearer key and binds the workspace and purpose in the key context, not the value", async () => {
    const vault = await started()
    const store = createWorkosVaultSecretStore({ apiKey: new Secret(vault.apiKey), baseUrl: vault.url })
    const ref = await store.put(where, "rt-vault-1")
    expect(ref).toMatch(/^vault:secret_[A-Z0-9]+$/)
    const [object] = [...vault.objects().values()]
    expect(object?.context).toEqual({ workspace_id: "ws_vault", purpose: "oauth_refresh_token" })
    expect(object?.name).not.toContain("rt-vault-1")
    expect(vault.requests.every((request) => request.authorization === `Bearer ${vault.apiKey}`)).toBe(true)
    expect(vault.requests.map((request) => `${request.method} ${request.path}`)).toEqual(["POST /vault/v1/kv"])
  })

  it("never sends a value for another scope: the mismatch is found from what Vault says it holds", async () => {
    const vault = await started()
    const store = createWorkosVaultSecretStore({ apiKey: new Secret(vault.apiKey), baseUrl: vault.url })
    const ref = await store.put(where, "rt-vault-2")
    await expect(store.replace(ref, { ...where, workspaceId: "ws_other" }, "hijack")).rejects.toBeInstanceOf(SecretScopeMismatch)
    expect(vault.requests.some((request) => request.method === "PUT")).toBe(false)
    expect([...vault.objects().values()][0]?.value).toBe("rt-vault-2")
  })

  it("turns a refused API key into a SecretKeyError that names the variable and not the key", async () => {
    const vault = await started()
    const wrongKey = "sk_test_wrong_key_do_not_echo_4711"
    const store = createWorkosVaultSecretStore({ apiKey: new Secret(wrongKey), baseUrl: vault.url })
    const error = await caught(store.put(where, "value-never-echoed-1"))
    expect(error).toBeInstanceOf(SecretKeyError)
    expect(error?.message).toContain("WORKOS_API_KEY")
    expect(error?.message).not.toContain(wrongKey)
    expect(error?.message).not.toContain("value-never-echoed-1")
  })

  it("reports an outage and a hang as SecretStoreUnavailable (retryable), without the value or key", async () => {
    const vault = await started()
    const store = createWorkosVaultSecretStore({ apiKey: new Secret(vault.apiKey), baseUrl: vault.url, timeoutMs: 200 })
    const ref = await store.put(where, "value-before-outage")

    vault.failWith(503)
    const outage = await caught(store.get(ref, where))
    expect(outage).toBeInstanceOf(SecretStoreUnavailable)
    expect(outage?.message).toMatch(/HTTP 503/)

    vault.failWith(null)
    vault.hang()
    const hang = await caught(store.put(where, "value-during-hang"))
    expect(hang).toBeInstanceOf(SecretStoreUnavailable)
    expect(hang?.message).toMatch(/did not answer within 200 ms/)
    for (const error of [outage, hang]) {
      expect(error?.message).not.toContain(vault.apiKey)
      expect(error?.message).not.toContain("value-")
    }
    vault.release()
    expect(await store.get(ref, where)).toBe("value-before-outage")
  })

  it("reports an unreachable Vault as SecretStoreUnavailable", async () => {
    const vault = await started()
    const url = vault.url
    await vault.close()
    vaults.splice(0)
    const store = createWorkosVaultSecretStore({ apiKey: new Secret("sk_test_x"), baseUrl: url })
    await expect(store.get("vault:secret_ABC", where)).rejects.toBeInstanceOf(SecretStoreUnavailable)
  })

  it("treats an answer it cannot decode as unavailable, never as a value", async () => {
    const vault = await started()
    const store = createWorkosVaultSecretStore({ apiKey: new Secret(vault.apiKey), baseUrl: vault.url })
    vault.failWith(200)
    await expect(store.get("vault:secret_ABC", where)).rejects.toBeInstanceOf(SecretStoreUnavailable)
    await expect(store.put(where, "v")).rejects.toBeInstanceOf(SecretStoreUnavailable)
  })
})
