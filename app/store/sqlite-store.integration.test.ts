// Runs the durable store contract against the embedded SQLite adapter on real temp files.

import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { contractCollections, durableStoreContract } from "#tests/contracts/durable-store.contract.ts"
import { openSqliteStore } from "./sqlite-store.server.ts"

durableStoreContract("SQLite (embedded)", {
  async fresh() {
    const dir = mkdtempSync(join(tmpdir(), "second-store-"))
    const file = join(dir, "nested", "second.db")
    const open = () => openSqliteStore({ file, collections: contractCollections })
    return {
      store: open(),
      reopen: async () => open(),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    }
  },
})
