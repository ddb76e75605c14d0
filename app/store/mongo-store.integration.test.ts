// Runs the durable store contract against MongoDB whenever MONGODB_URI is set. No MongoDB server
// can run on the project's CI machines, so there the suite is reported as skipped, loudly.

import { randomBytes } from "node:crypto"
import { MongoClient } from "mongodb"
import { describe, it } from "vitest"
import { contractCollections, durableStoreContract } from "#tests/contracts/durable-store.contract.ts"
import { openMongoStore } from "./mongo-store.server.ts"

const baseUri = process.env["MONGODB_URI"]

/** The same server, with a database of the test's own, so tests can run in parallel. */
function uriWithDatabase(uri: string, database: string): string {
  const url = new URL(uri)
  url.pathname = `/${database}`
  return url.toString()
}

if (baseUri === undefined || baseUri === "") {
  console.warn("[durable store] MongoDB contract suite SKIPPED: MONGODB_URI is not set (no MongoDB server on this machine).")
  describe("durable store contract: MongoDB", () => {
    it.skip("SKIPPED: set MONGODB_URI (a replica set, e.g. mongodb://127.0.0.1:27017/test?replicaSet=rs0) to run it", () => {})
  })
} else {
  durableStoreContract("MongoDB", {
    async fresh() {
      const uri = uriWithDatabase(baseUri, `second_contract_${randomBytes(6).toString("hex")}`)
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
