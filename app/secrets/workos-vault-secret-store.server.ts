// The WorkOS Vault secret store: each secret is one Vault KV object whose key context names the
// workspace and purpose (so Vault encrypts each workspace's secrets under its own key, and a ref
// read for another scope is refused). Refs are "vault:<object id>". Nothing here ever puts a
// value or the API key into an error or a log line.

import { randomUUID } from "node:crypto"
import { z } from "zod"
import {
  assertSecretValueFits,
  parseSecretRef,
  SecretKeyError,
  SecretNotFound,
  SecretScopeMismatch,
  SecretStoreUnavailable,
  type SecretScope,
  type SecretStore,
} from "#shared/secrets/secret-store.ts"
import type { Secret } from "#shared/config/secret.ts"

export interface WorkosVaultSecretStoreOptions {
  readonly apiKey: Secret
  /** https://api.workos.com unless a test points it at a fake. */
  readonly baseUrl: URL
  /** Per request; a slower answer is SecretStoreUnavailable (default 10 s). */
  readonly timeoutMs?: number
  readonly fetch?: typeof fetch
}

export interface WorkosVaultSecretStore extends SecretStore {
  readonly kind: "workos-vault"
}

export const DEFAULT_VAULT_TIMEOUT_MS = 10_000

// Vault's answers, decoded rather than trusted: only the fields this adapter reads.
const KeyContext = z.object({ workspace_id: z.string(), purpose: z.string() }).loose()
const CreatedObject = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/) }).loose()
const ReadObject = z
  .object({ id: z.string(), value: z.string(), metadata: z.object({ context: KeyContext }).loose() })
  .loose()

const sameScope = (context: z.infer<typeof KeyContext>, scope: SecretScope) =>
  context.workspace_id === scope.workspaceId && context.purpose === scope.purpose

export function createWorkosVaultSecretStore(options: WorkosVaultSecretStoreOptions): WorkosVaultSecretStore {
  const doFetch = options.fetch ?? fetch
  const timeoutMs = options.timeoutMs ?? DEFAULT_VAULT_TIMEOUT_MS
  const what = "WorkOS Vault"

  /** One request; the status and decoded body, or SecretStoreUnavailable / SecretKeyError. */
  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    let response: Response
    try {
      response = await doFetch(new URL(path, options.baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${options.apiKey.reveal()}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "error",
      })
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")
      throw new SecretStoreUnavailable(timedOut ? `${what} did not answer within ${timeoutMs} ms` : `${what} could not be reached`)
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel()
      throw new SecretKeyError(`${what} refused WORKOS_API_KEY (HTTP ${response.status}): set a key with Vault access`)
    }
    if (response.status >= 500 || response.status === 429) {
      await response.body?.cancel()
      throw new SecretStoreUnavailable(`${what} answered HTTP ${response.status}`)
    }
    let json: unknown = null
    try {
      const text = await response.text()
      json = text === "" ? null : JSON.parse(text)
    } catch {
      // An unreadable body is judged by the status below; its text is never echoed.
    }
    return { status: response.status, json }
  }

  const unusable = (operation: string, status: number) => new SecretStoreUnavailable(`${what} answered ${operation} unusably (HTTP ${status})`)

  const idOf = (ref: string): string | null => {
    const parsed = parseSecretRef(ref)
    if (parsed === null) return null
    if (parsed.kind !== "vault") {
      throw new SecretKeyError(
        `The secret ${ref} is kept in the local store, but WORKOS_API_KEY now sends secrets to WorkOS Vault: unset it, or enter the secret anew`,
      )
    }
    return parsed.id
  }

  async function read(id: string, ref: string, scope: SecretScope): Promise<z.infer<typeof ReadObject> | null> {
    const { status, json } = await call("GET", `/vault/v1/kv/${encodeURIComponent(id)}`)
    if (status === 404) return null
    const parsed = ReadObject.safeParse(json)
    if (status !== 200 || !parsed.success) throw unusable("a read", status)
    if (!sameScope(parsed.data.metadata.context, scope)) throw new SecretScopeMismatch(`The secret ${ref} belongs to another workspace or purpose`)
    return parsed.data
  }

  return {
    kind: "workos-vault",
    keyId: "workos-vault",

    async put(scope, value) {
      assertSecretValueFits(value)
      const name = `second-${scope.purpose}-${randomUUID()}`
      const { status, json } = await call("POST", "/vault/v1/kv", {
        name,
        value,
        key_context: { workspace_id: scope.workspaceId, purpose: scope.purpose },
      })
      const created = CreatedObject.safeParse(json)
      if (status !== 200 && status !== 201) throw unusable("a create", status)
      if (!created.success) throw unusable("a create", status)
      return `vault:${created.data.id}`
    },

    async replace(ref, scope, value) {
      assertSecretValueFits(value)
      const id = idOf(ref)
      // Vault keeps an object's key context on update, so checking it first is checking it for good.
      if (id === null || (await read(id, ref, scope)) === null) throw new SecretNotFound(`No secret is stored under ${ref}`)
      const { status } = await call("PUT", `/vault/v1/kv/${encodeURIComponent(id)}`, { value })
      if (status === 404) throw new SecretNotFound(`No secret is stored under ${ref}`)
      if (status !== 200) throw unusable("an update", status)
    },

    async get(ref, scope) {
      const id = idOf(ref)
      if (id === null) return null
      return (await read(id, ref, scope))?.value ?? null
    },

    async delete(ref) {
      const parsed = parseSecretRef(ref)
      if (parsed === null || parsed.kind !== "vault") return
      const { status } = await call("DELETE", `/vault/v1/kv/${encodeURIComponent(parsed.id)}`)
      if (status !== 200 && status !== 202 && status !== 204 && status !== 404) throw unusable("a delete", status)
    },
  }
}
