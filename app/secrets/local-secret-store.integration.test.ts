// The secret store contract against the local adapter on a real SQLite file, and what only the
// local adapter promises: no value at rest in the file, a wrong key refused at startup, rotation.

import { randomBytes, randomUUID } from "node:crypto"
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { MongoClient } from "mongodb"
import { afterEach, describe, expect, it } from "vitest"
import { EncryptionKey, parseEncryptionKey } from "#shared/secrets/envelope.ts"
import { SecretKeyError, type SecretScope } from "#shared/secrets/secret-store.ts"
import { secretStoreContract } from "#tests/contracts/secret-store.contract.ts"
import { freshDatabaseUri, testMongoUri } from "#tests/fixtures/mongo-uri.ts"
import { openMongoStore } from "../store/mongo-store.server.ts"
import { allCollections } from "../store/collections.server.ts"
import { openSqliteStore } from "../store/sqlite-store.server.ts"
import type { DurableStore } from "../store/store.server.ts"
import { createLocalSecretStore } from "./local-secret-store.server.ts"
import { storedSecrets } from "./secret-collections.server.ts"

const newKey = () => new EncryptionKey(randomBytes(32))

/**
 * The value's base64 and base64url as they would read inside a longer encoded string, at each of
 * the three byte alignments it could start at (the edge characters depend on neighbours: dropped).
 */
function base64Forms(value: string): string[] {
  return [0, 1, 2].flatMap((shift) =>
    (["base64", "base64url"] as const).map((encoding) => {
      const encoded = Buffer.concat([Buffer.alloc(shift), Buffer.from(value)]).toString(encoding)
      return encoded.slice(shift === 0 ? 0 : Math.ceil((shift * 4) / 3) + 1, -4)
    }),
  )
}

function tempDatabase() {
  const dir = mkdtempSync(join(tmpdir(), "second-secrets-"))
  const file = join(dir, "second.db")
  return { dir, file, open: (): DurableStore => openSqliteStore({ file, collections: allCollections }) }
}

secretStoreContract("local (SQLite file)", {
  async fresh() {
    const db = tempDatabase()
    const store = db.open()
    return {
      store: createLocalSecretStore({ store, current: newKey() }),
      storedCount: () => store.collection(storedSecrets).count({}),
      async cleanup() {
        await store.close()
        rmSync(db.dir, { recursive: true, force: true })
      },
    }
  },
})

// The same contract on MongoDB where a server exists (MONGODB_URI); none can run on CI machines.
const mongoUri = testMongoUri()
if (mongoUri === undefined) {
  describe("secret store contract: local (MongoDB)", () => {
    it.skip("SKIPPED: set MONGODB_URI (a replica set) to run the local secret store on MongoDB", () => {})
  })
} else {
  secretStoreContract("local (MongoDB)", {
    async fresh() {
      const uri = freshDatabaseUri(mongoUri, "second_secrets")
      const store = await openMongoStore({ uri, collections: allCollections })
      return {
        store: createLocalSecretStore({ store, current: newKey() }),
        storedCount: () => store.collection(storedSecrets).count({}),
        async cleanup() {
          await store.close()
          const client = await MongoClient.connect(uri)
          await client.db().dropDatabase()
          await client.close()
        },
      }
    },
  })
}

describe("local secret store", () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })
  const database = () => {
    const db = tempDatabase()
    cleanups.push(() => rmSync(db.dir, { recursive: true, force: true }))
    return db
  }
  const opened = (db: ReturnType<typeof tempDatabase>) => {
    const store = db.open()
    cleanups.push(() => store.close())
    return store
  }
  const where: SecretScope = { workspaceId: "ws_rest", purpose: "oauth_refresh_token" }

  it("keeps no value, nor its base64, in the SQLite file or its write-ahead log", async () => {
    const db = database()
    const store = db.open()
    const key = newKey()
    const secrets = createLocalSecretStore({ store, current: key })
    const values = Array.from({ length: 6 }, (_, index) => `canary-${index}-${randomUUID()}-PLAINTEXT`)
    for (const value of values) await secrets.put({ ...where, purpose: "integration_secret" }, value)
    // A replace too: the old value must not linger either.
    const ref = await secrets.put(where, "canary-replaced-OLDVALUE-7f3c")
    await secrets.replace(ref, where, "canary-replaced-NEWVALUE-91ab")
    values.push("canary-replaced-OLDVALUE-7f3c", "canary-replaced-NEWVALUE-91ab")
    // Read the files while the store is still open (the WAL holds the latest pages) and after.
    const readAll = () =>
      [db.file, `${db.file}-wal`].filter(existsSync).map((file) => readFileSync(file).toString("latin1")).join("\n")
    const whileOpen = readAll()
    await store.close()
    const afterClose = readAll()
    expect(afterClose.length).toBeGreaterThan(0)
    for (const bytes of [whileOpen, afterClose]) {
      for (const value of values) {
        const forms = [value, Buffer.from(value).toString("hex"), ...base64Forms(value)]
        for (const form of forms) expect(bytes.includes(form), `found ${value} as ${form}`).toBe(false)
      }
    }
    // And the same store reopened still reads them (the ciphertext is there, the value is not).
    const reopened = opened(db)
    expect(await createLocalSecretStore({ store: reopened, current: key }).get(ref, where)).toBe("canary-replaced-NEWVALUE-91ab")
  })

  it("refuses at startup, naming the variable and the stray key id, when the key is not the one that encrypted", async () => {
    const db = database()
    const store = opened(db)
    const original = newKey()
    const ref = await createLocalSecretStore({ store, current: original }).put(where, "rt-under-original")
    const wrong = createLocalSecretStore({ store, current: newKey() })
    const failure = await wrong.verifyKeys().then(
      () => null,
      (error: unknown) => error,
    )
    expect(failure).toBeInstanceOf(SecretKeyError)
    const message = (failure as Error).message
    expect(message).toContain(`key id ${original.id}`)
    expect(message).toContain("SECOND_TOKEN_ENCRYPTION_KEY")
    expect(message).toContain("SECOND_TOKEN_ENCRYPTION_KEY_PREVIOUS")
    expect(message).toContain("npm run secrets:rotate")
    // A read under the wrong key is the same clear error, never garbage.
    await expect(wrong.get(ref, where)).rejects.toThrow(/encrypted with another key/)
    // The right key passes the check.
    await createLocalSecretStore({ store, current: original }).verifyKeys()
  })

  it("rotates: written under A, re-wrapped to B with A as previous, then readable under B alone while A alone is refused", async () => {
    const db = database()
    const store = opened(db)
    const keyA = newKey()
    const keyB = newKey()
    const underA = createLocalSecretStore({ store, current: keyA })
    const written = new Map<string, { scope: SecretScope; value: string }>()
    for (let index = 0; index < 7; index += 1) {
      const scope: SecretScope = { workspaceId: `ws_${index % 3}`, purpose: index % 2 ? "oauth_access_token" : "integration_secret" }
      const value = `value-${index}-${randomUUID()}`
      written.set(await underA.put(scope, value), { scope, value })
    }

    const rotating = createLocalSecretStore({ store, current: keyB, previous: [keyA] })
    await rotating.verifyKeys()
    // Mid-rotation a value written under B sits beside those under A; both read.
    const fresh = await rotating.put(where, "written-during-rotation")
    written.set(fresh, { scope: where, value: "written-during-rotation" })
    const first = await rotating.rotate()
    expect(first).toMatchObject({ total: 8, rewrapped: 7, alreadyCurrent: 1, changedMeanwhile: 0, unknownKeyIds: [], unreadable: 0 })
    // Idempotent: a second run finds nothing to do.
    expect(await rotating.rotate()).toMatchObject({ total: 8, rewrapped: 0, alreadyCurrent: 8 })

    const underBAlone = createLocalSecretStore({ store, current: keyB })
    await underBAlone.verifyKeys()
    for (const [ref, { scope, value }] of written) expect(await underBAlone.get(ref, scope)).toBe(value)
    expect(await store.collection(storedSecrets).count({ keyId: keyA.id })).toBe(0)

    const underAAlone = createLocalSecretStore({ store, current: keyA })
    await expect(underAAlone.verifyKeys()).rejects.toThrow(`The stored secrets were encrypted with another key (key id ${keyB.id})`)
  })

  it("leaves envelopes under an unknown key alone and lists their key id when rotating", async () => {
    const db = database()
    const store = opened(db)
    const stray = newKey()
    await createLocalSecretStore({ store, current: stray }).put(where, "under-a-lost-key")
    const report = await createLocalSecretStore({ store, current: newKey() }).rotate()
    expect(report).toMatchObject({ total: 1, rewrapped: 0, unknownKeyIds: [stray.id] })
  })

  it("refuses an envelope copied onto another secret's document, even in the same workspace", async () => {
    const db = database()
    const store = opened(db)
    const key = newKey()
    const secrets = createLocalSecretStore({ store, current: key })
    const source = await secrets.put(where, "the-real-refresh-token")
    const target = await secrets.put(where, "decoy")
    const collection = store.collection(storedSecrets)
    const sourceDocument = await collection.findOne({ id: source.slice("local:".length) })
    await collection.updateOne({ id: target.slice("local:".length) }, { envelope: sourceDocument!.envelope })
    await expect(secrets.get(target, where)).rejects.toThrow(/altered, or copied from another secret/)
    // Moving the document to another workspace (rewriting its scope fields) fails the same way.
    await collection.updateOne({ id: source.slice("local:".length) }, { workspaceId: "ws_attacker" })
    await expect(secrets.get(source, { ...where, workspaceId: "ws_attacker" })).rejects.toBeInstanceOf(SecretKeyError)
  })

  it("derives the same key from a passphrase in every process, and parses hex and base64 to the same key", () => {
    const passphrase = "correct horse battery staple, long enough"
    expect(parseEncryptionKey(passphrase).id).toBe(parseEncryptionKey(passphrase).id)
    const bytes = randomBytes(32)
    expect(parseEncryptionKey(bytes.toString("hex")).id).toBe(parseEncryptionKey(bytes.toString("base64")).id)
    expect(() => parseEncryptionKey("too-short")).toThrow(/SECOND_TOKEN_ENCRYPTION_KEY must be 32 bytes in base64/)
    expect(String(parseEncryptionKey(passphrase))).not.toContain(passphrase)
    expect(JSON.stringify({ key: new EncryptionKey(bytes) })).not.toContain(bytes.toString("base64"))
  })
})
