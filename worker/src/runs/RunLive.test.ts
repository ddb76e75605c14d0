// The worker's Redis connection must not be a start-up requirement: connectOnUse connects on the
// first call, and after a failed attempt tries again on the next one.

import { describe, expect, it } from "vitest"
import { createMemoryLive } from "#shared/live/memory-live.server.ts"
import { connectOnUse } from "./RunLive.ts"

describe("connectOnUse", () => {
  it("does not connect until used, and retries a failed connection on the next call", async () => {
    let attempts = 0
    const memory = createMemoryLive()
    const live = connectOnUse(async () => {
      attempts += 1
      if (attempts === 1) throw new Error("ECONNREFUSED")
      return memory
    })
    expect(attempts).toBe(0)
    await expect(live.setKey("k", "v", { ttlMs: 1_000 })).rejects.toThrow("ECONNREFUSED")
    expect(await live.setKey("k", "v", { ttlMs: 1_000 })).toBe(true)
    expect(await live.getKey("k")).toBe("v")
    expect(attempts).toBe(2)
    await live.close()
  })
})
