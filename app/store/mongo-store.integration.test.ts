// Runs the durable store contract against MongoDB whenever MONGODB_URI is set. No MongoDB server
// can run on the project's CI machines, so there the suite is reported as skipped, loudly.

import { MongoClient } from "mongodb"
import { describe, it } from "vitest"
import { contractCollections, durableStoreContract } from "#tests/contracts/durable-store.contract.ts"
import { freshDatabaseUri, testMongoUri } from "#tests/fixtures/mongo-uri.ts"
import { openMongoStore } from "./mongo-store.server.ts"

const baseUri = testMongoUri()

if (baseUri === undefined) {
  console.warn("[durable store] MongoDB contract suite SKIPPED: MONGODB_URI is not set (no MongoDB server on this machine).")
  describe("durable store contract: MongoDB", () => {
    it.skip("SKIPPED: set MONGODB_URI (a replica set, e.g. mongodb://127.0.0.1:27017/test?replicaSet=rs0) to run it", () => {})
  })
} else {
  durableStoreContract("MongoDB", {
    async fresh() {
      const uri = freshDatabaseUri(baseUri, "second_contract")
      const open = () => openMongoStore({ uri, collections: contractCollections })
      return {
        store: await open(),
        reopen: open,
        async cleanup() {
          const client = await MongoClient.connect(uri)
          await client.db().dropDatabase()
          await client.close()
        },
      }
    },
  })
}
