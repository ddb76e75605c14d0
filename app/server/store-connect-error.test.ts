// A store the web cannot reach at start-up fails in one line that names the variable and what
// failed, and never the connection string's password.

import { describe, expect, it } from "vitest"
import { connecting, StoreConnectError, whyConnectFailed } from "./store-connect-error.server.ts"
import { createRedisLive } from "#shared/live/redis-live.server.ts"

const failing = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {})

describe("a store the web cannot reach at start-up", () => {
  it("names REDIS_URL, its host and 'connection refused' in one line, without the password", async () => {
    const raw = "redis://:hunter2-secret@127.0.0.1:1"
    const error = await connecting("REDIS_URL", raw, () => createRedisLive({ url: raw })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StoreConnectError)
    const message = (error as Error).message
    expect(message).toMatch(/^Cannot start: REDIS_URL \(127\.0\.0\.1:1\) could not be reached: connection refused/)
    expect(message).not.toContain("hunter2")
    expect(message.split("\n")).toHaveLength(1)
  })

  it.each([
    [failing("connect ECONNREFUSED 10.0.0.1:27017", "ECONNREFUSED"), false, /^connection refused/],
    [failing("getaddrinfo ENOTFOUND mongo", "ENOTFOUND"), false, /^host not found/],
    [failing("connect ETIMEDOUT", "ETIMEDOUT"), true, /^timed out \(with TLS: does that server speak TLS\?/],
    [failing("Server selection timed out after 10000 ms"), false, /^timed out \(a firewall/],
    [failing("ssl3_get_record:wrong version number", "ERR_SSL_WRONG_VERSION_NUMBER"), true, /^the TLS handshake failed/],
    [failing("WRONGPASS invalid username-password pair"), false, /^authentication failed/],
    [Object.assign(failing("Server selection failed"), { reason: { servers: new Map([["a", { error: failing("connect ECONNREFUSED a:1") }]]) } }), false, /^connection refused/],
    [failing("something odd"), false, /^could not connect \(Error\)$/],
  ])("reads %s as what failed", (error, tls, expected) => {
    expect(whyConnectFailed(error, tls)).toMatch(expected)
  })

  it("names MONGODB_URI without quoting the driver's message", async () => {
    const error = await connecting("MONGODB_URI", "mongodb://admin:hunter2@db:27017/second", () =>
      Promise.reject(failing("connect ECONNREFUSED db:27017 for admin:hunter2")),
    ).catch((e: unknown) => e)
    expect((error as Error).message).toBe(
      "Cannot start: MONGODB_URI (db:27017) could not be reached: connection refused (nothing listens at that host and port). Check MONGODB_URI (host, credentials, ?replicaSet=, tls) and that MongoDB runs and is reachable from here.",
    )
  })
})
