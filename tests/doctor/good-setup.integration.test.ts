// One good setup end to end in-process: a real Redis, a replica-set MongoDB stand-in, a fake OIDC
// issuer, a worker that shares the token and has usable runtimes and bubblewrap. No line fails;
// the lines that cannot apply here are skipped with a reason.

import { afterAll, beforeAll, expect, it } from "vitest"
import { hasFailures } from "#app/doctor/run-doctor.server.ts"
import { formatReport } from "#app/doctor/print-report.server.ts"
import { startFakeOidcIssuer, type FakeOidcIssuer } from "#tests/fixtures/fake-oidc-issuer.ts"
import { startRedisServer, type RedisServer } from "#tests/fixtures/redis-server.ts"
import { doctor, STRONG_TOKEN } from "./doctor-lines.ts"
import { startFakeMongo, type FakeMongo } from "./fake-mongo-hello.ts"
import { startFakeWorker, type FakeWorker } from "./fake-worker.ts"

let redis: RedisServer
let mongo: FakeMongo
let issuer: FakeOidcIssuer
let worker: FakeWorker

beforeAll(async () => {
  ;[redis, mongo, issuer, worker] = await Promise.all([
    startRedisServer(),
    startFakeMongo({ setName: "rs0" }),
    startFakeOidcIssuer(),
    startFakeWorker({ token: STRONG_TOKEN }),
  ])
})
afterAll(async () => {
  await Promise.all([redis?.stop(), mongo?.stop(), issuer?.stop(), worker?.stop()])
})

it("passes every line of a good setup and fails none", async () => {
  const run = await doctor({
    NODE_ENV: "development",
    SECOND_AUTH_MODE: "external",
    SECOND_OIDC_ISSUER: issuer.issuer.href,
    SECOND_OIDC_CLIENT_ID: issuer.clientId,
    SECOND_OIDC_CLIENT_SECRET: issuer.clientSecret,
    // Not resolvable, so the "public side" probe is skipped: nothing public runs in a test.
    SECOND_PUBLIC_URL: "https://second.invalid",
    SECOND_TRUST_PROXY: "1",
    WORKER_URL: worker.url,
    MONGODB_URI: `${mongo.uri}?replicaSet=rs0`,
    REDIS_URL: redis.url,
    INTERNAL_API_TOKEN: STRONG_TOKEN,
    SECOND_TOKEN_ENCRYPTION_KEY: "4f1c2a7e9b3d5f60718293a4b5c6d7e8f9a0b1c2d3e4f5061728394a5b6c7d8e",
  })
  const report = formatReport(run)
  expect(hasFailures(run), report).toBe(false)
  const skipped = run.lines.filter((line) => line.status === "skip").map((line) => line.item)
  expect(skipped.sort()).toEqual(["The auth provider syncs memberships and roles", "The public URL does not serve the worker's API (/runtimes, /sessions, /mcp)"])
  expect(report).toContain("✓ The web starts with this configuration")
  expect(report).not.toContain(STRONG_TOKEN)
})
