// Chooses the secret store the configuration names: WorkOS Vault when WORKOS_API_KEY is set,
// otherwise the local envelope store under SECOND_TOKEN_ENCRYPTION_KEY (checked against what is
// stored before the server starts), otherwise a store that refuses to keep anything and says why.

import { parseEncryptionKey, PREVIOUS_KEY_VARIABLE, type EncryptionKey } from "#shared/secrets/envelope.ts"
import { SecretKeyError, type SecretStore, type SecretStoreStatus } from "#shared/secrets/secret-store.ts"
import type { WebConfig } from "../config/config.server.ts"
import type { DurableStore } from "../store/store.server.ts"
import { createLocalSecretStore, type LocalSecretStore } from "./local-secret-store.server.ts"
import { createWorkosVaultSecretStore } from "./workos-vault-secret-store.server.ts"

export const UNCONFIGURED_MESSAGE = "Set SECOND_TOKEN_ENCRYPTION_KEY (or WORKOS_API_KEY) to store integration secrets"

export interface OpenedSecretStore {
  readonly secrets: SecretStore
  readonly status: SecretStoreStatus
  /** The local store (for `npm run secrets:rotate`); null for Vault or unconfigured. */
  readonly local: LocalSecretStore | null
}

type SecretConfig = Pick<WebConfig, "workosApiKey" | "workosApiUrl" | "tokenEncryptionKey" | "tokenEncryptionKeyPrevious">

/** The configured keys: current first. Throws SecretKeyError for a malformed one. */
export function encryptionKeysFrom(config: SecretConfig): { current: EncryptionKey; previous: EncryptionKey[] } | null {
  if (config.tokenEncryptionKey === undefined) return null
  const current = parseEncryptionKey(config.tokenEncryptionKey.reveal())
  const previous = config.tokenEncryptionKeyPrevious.map((key) => parseEncryptionKey(key.reveal(), PREVIOUS_KEY_VARIABLE))
  return { current, previous }
}

/**
 * Opens the store and, for the local one, runs verifyKeys: a key that cannot read what is stored
 * stops the boot with a SecretKeyError that says which variable to set (never a value).
 * `verify: false` is for the rotate script, which reports stray keys itself.
 */
export async function openSecretStore(config: SecretConfig, store: DurableStore, options: { readonly verify?: boolean } = {}): Promise<OpenedSecretStore> {
  if (config.workosApiKey !== undefined) {
    const secrets = createWorkosVaultSecretStore({ apiKey: config.workosApiKey, baseUrl: config.workosApiUrl })
    return { secrets, local: null, status: { kind: "workos-vault", ready: true, message: null } }
  }
  const keys = encryptionKeysFrom(config)
  if (keys !== null) {
    const local = createLocalSecretStore({ store, current: keys.current, previous: keys.previous })
    if (options.verify !== false) await local.verifyKeys()
    return { secrets: local, local, status: { kind: "local", ready: true, message: null } }
  }
  return { secrets: unconfiguredSecretStore(), local: null, status: { kind: "unconfigured", ready: false, message: UNCONFIGURED_MESSAGE } }
}

/** Keeps nothing: writes refuse with what to set, reads find nothing. */
export function unconfiguredSecretStore(): SecretStore {
  const refuse = async (): Promise<never> => {
    throw new SecretKeyError(UNCONFIGURED_MESSAGE)
  }
  return {
    kind: "unconfigured",
    keyId: "none",
    put: refuse,
    replace: refuse,
    get: async () => null,
    delete: async () => {},
  }
}
