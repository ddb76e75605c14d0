// Envelope encryption for the local secret store: the key-encryption key (KEK) from
// SECOND_TOKEN_ENCRYPTION_KEY, a fresh data key per value, AES-256-GCM for both layers, and
// additional authenticated data that binds each envelope to its secret's id, workspace and purpose.
// Pure functions over node:crypto; the store that keeps envelopes is app/secrets/local-secret-store.server.ts.
// Decision 022 explains the format, the key id and the passphrase KDF.

import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, scryptSync } from "node:crypto"
import { SecretKeyError, type SecretPurpose } from "./secret-store.ts"

export const KEY_VARIABLE = "SECOND_TOKEN_ENCRYPTION_KEY"
export const PREVIOUS_KEY_VARIABLE = "SECOND_TOKEN_ENCRYPTION_KEY_PREVIOUS"
export const MIN_PASSPHRASE_LENGTH = 32

/**
 * scrypt parameters for passphrases: OWASP's recommended minimum (N=2^17, r=8, p=1; 128 MiB, a few
 * hundred ms once per process). The salt is fixed and public on purpose: every process (web,
 * worker, the rotate script) must derive the same key from the passphrase alone, with nothing
 * stored beside the ciphertext. A per-installation salt would only stop one precomputation from
 * serving every installation that picked the same passphrase; a 32+ character passphrase already
 * makes that precomputation pointless. Changing any of these changes every key id.
 */
export const PASSPHRASE_KDF = {
  salt: "second/token-encryption-key/scrypt/v1",
  N: 2 ** 17,
  r: 8,
  p: 1,
  maxmem: 256 * 1024 * 1024,
} as const

const inspectSymbol = Symbol.for("nodejs.util.inspect.custom")

// The key bytes live here, not on the object: nothing outside this module can reach them.
const keyBytes = new WeakMap<EncryptionKey, Buffer>()
const bytesOf = (key: EncryptionKey): Buffer => {
  const bytes = keyBytes.get(key)
  if (bytes === undefined) throw new SecretKeyError("Not an encryption key made by parseEncryptionKey")
  return bytes
}

/** A 256-bit key-encryption key. Prints as its key id only; the bytes never leave this module. */
export class EncryptionKey {
  /** Short, non-secret fingerprint stored with every envelope it wraps (rotation and startup checks use it). */
  readonly id: string

  constructor(bytes: Uint8Array) {
    if (bytes.length !== 32) throw new SecretKeyError("An encryption key must be 32 bytes")
    const copy = Buffer.from(bytes)
    keyBytes.set(this, copy)
    this.id = createHmac("sha256", copy).update("second/key-id").digest("hex").slice(0, 16)
  }

  toString(): string {
    return `EncryptionKey(${this.id})`
  }

  toJSON(): string {
    return this.toString()
  }

  [inspectSymbol](): string {
    return this.toString()
  }
}

export type EncryptionKeyShape = "hex" | "base64" | "passphrase"

export function encryptionKeyShape(value: string): EncryptionKeyShape | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return "hex"
  if (/^[A-Za-z0-9+/]{43}=?$/.test(value) && Buffer.from(value, "base64").length === 32) return "base64"
  if (value.length >= MIN_PASSPHRASE_LENGTH) return "passphrase"
  return null
}

// scrypt is deliberately slow: derive each passphrase once per process. Keyed by a hash so the
// passphrase itself is not kept as a map key.
const derived = new Map<string, EncryptionKey>()

/** Parses one of the three shapes the variable accepts. Errors name the variable, never the value. */
export function parseEncryptionKey(raw: string, variable: string = KEY_VARIABLE): EncryptionKey {
  const value = raw.trim()
  const shape = encryptionKeyShape(value)
  if (shape === "hex") return new EncryptionKey(Buffer.from(value, "hex"))
  if (shape === "base64") return new EncryptionKey(Buffer.from(value, "base64"))
  if (shape === "passphrase") {
    const cacheKey = createHash("sha256").update(value).digest("hex")
    const cached = derived.get(cacheKey)
    if (cached) return cached
    const { salt, ...params } = PASSPHRASE_KDF
    const key = new EncryptionKey(scryptSync(value.normalize("NFC"), salt, 32, params))
    derived.set(cacheKey, key)
    return key
  }
  throw new SecretKeyError(
    `${variable} must be 32 bytes in base64, 64 hex characters, or a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters (got ${value.length} characters)`,
  )
}

/** What an envelope is bound to: copying it onto another secret's document makes it fail to open. */
export interface EnvelopeBinding {
  readonly id: string
  readonly workspaceId: string
  readonly purpose: SecretPurpose
}

const VERSION = "v1"
const IV_BYTES = 12
const TAG_BYTES = 16
const DATA_KEY_BYTES = 32

const additionalData = (binding: EnvelopeBinding, layer: "wrap" | "data") =>
  Buffer.from(JSON.stringify([`second/secret/${VERSION}/${layer}`, binding.id, binding.workspaceId, binding.purpose]), "utf8")

function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES })
  cipher.setAAD(aad)
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()])
  return Buffer.concat([iv, body, cipher.getAuthTag()])
}

/** null when authentication fails (wrong key, altered bytes, or another secret's binding). */
function unseal(key: Buffer, sealed: Buffer, aad: Buffer): Buffer | null {
  if (sealed.length < IV_BYTES + TAG_BYTES) return null
  const iv = sealed.subarray(0, IV_BYTES)
  const tag = sealed.subarray(sealed.length - TAG_BYTES)
  const body = sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES })
    decipher.setAAD(aad)
    decipher.setAuthTag(tag)
    return Buffer.concat([decipher.update(body), decipher.final()])
  } catch {
    return null
  }
}

interface ParsedEnvelope {
  readonly keyId: string
  readonly wrappedKey: Buffer
  readonly data: Buffer
}

/** `v1.<key id>.<base64url(iv|wrapped data key|tag)>.<base64url(iv|ciphertext|tag)>` */
function parseEnvelope(envelope: string): ParsedEnvelope | null {
  const parts = envelope.split(".")
  if (parts.length !== 4 || parts[0] !== VERSION) return null
  const [, keyId = "", wrapped = "", data = ""] = parts
  if (!/^[0-9a-f]{16}$/.test(keyId) || !/^[A-Za-z0-9_-]+$/.test(wrapped) || !/^[A-Za-z0-9_-]+$/.test(data)) return null
  return { keyId, wrappedKey: Buffer.from(wrapped, "base64url"), data: Buffer.from(data, "base64url") }
}

/** The id of the key that wrapped this envelope, or null when it is not an envelope this module wrote. */
export function envelopeKeyId(envelope: string): string | null {
  return parseEnvelope(envelope)?.keyId ?? null
}

/** Encrypts a value under a fresh data key, wrapped by `key`. */
export function sealSecret(key: EncryptionKey, binding: EnvelopeBinding, value: string): string {
  const dataKey = randomBytes(DATA_KEY_BYTES)
  try {
    const data = seal(dataKey, Buffer.from(value, "utf8"), additionalData(binding, "data"))
    const wrapped = seal(bytesOf(key), dataKey, additionalData(binding, "wrap"))
    return [VERSION, key.id, wrapped.toString("base64url"), data.toString("base64url")].join(".")
  } finally {
    dataKey.fill(0)
  }
}

function unwrapDataKey(keys: readonly EncryptionKey[], binding: EnvelopeBinding, parsed: ParsedEnvelope | null): Buffer {
  if (parsed === null) throw new SecretKeyError(`The stored secret ${binding.id} is not a readable envelope (unknown format)`)
  const key = keys.find((candidate) => candidate.id === parsed.keyId)
  if (!key) throw unknownKeyError(parsed.keyId)
  const dataKey = unseal(bytesOf(key), parsed.wrappedKey, additionalData(binding, "wrap"))
  if (dataKey === null || dataKey.length !== DATA_KEY_BYTES) {
    throw new SecretKeyError(
      `The stored secret ${binding.id} does not authenticate under key ${key.id}: it was altered, or copied from another secret`,
    )
  }
  return dataKey
}

/** Decrypts with whichever of `keys` wrapped the envelope; SecretKeyError when none did or it was tampered with. */
export function openSecret(keys: readonly EncryptionKey[], binding: EnvelopeBinding, envelope: string): string {
  const parsed = parseEnvelope(envelope)
  const dataKey = unwrapDataKey(keys, binding, parsed)
  try {
    const plaintext = unseal(dataKey, parsed!.data, additionalData(binding, "data"))
    if (plaintext === null) {
      throw new SecretKeyError(`The stored secret ${binding.id} does not authenticate: it was altered, or copied from another secret`)
    }
    return plaintext.toString("utf8")
  } finally {
    dataKey.fill(0)
  }
}

/**
 * Re-wraps the envelope's data key under `to`, leaving the ciphertext as it is. The data layer is
 * still authenticated (the plaintext is dropped at once), so a damaged envelope is reported rather
 * than carried forward under the new key.
 */
export function rewrapSecret(keys: readonly EncryptionKey[], to: EncryptionKey, binding: EnvelopeBinding, envelope: string): string {
  const parsed = parseEnvelope(envelope)
  const dataKey = unwrapDataKey(keys, binding, parsed)
  try {
    if (unseal(dataKey, parsed!.data, additionalData(binding, "data")) === null) {
      throw new SecretKeyError(`The stored secret ${binding.id} does not authenticate: it was altered, or copied from another secret`)
    }
    const wrapped = seal(bytesOf(to), dataKey, additionalData(binding, "wrap"))
    return [VERSION, to.id, wrapped.toString("base64url"), parsed!.data.toString("base64url")].join(".")
  } finally {
    dataKey.fill(0)
  }
}

/** The startup/rotation error for envelopes under a key this process was not given. */
export function unknownKeyError(keyId: string): SecretKeyError {
  return new SecretKeyError(
    `The stored secrets were encrypted with another key (key id ${keyId}); set ${KEY_VARIABLE} to that key, or put it in ${PREVIOUS_KEY_VARIABLE} and run npm run secrets:rotate`,
  )
}
