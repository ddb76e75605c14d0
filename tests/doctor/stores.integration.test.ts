// MongoDB and Redis lines against real and deliberately broken setups: a real redis-server up and
// then stopped; MongoDB (none can run here) as a dead port and as a tiny fake that answers the
// `hello` wire command with and without a replica set name.

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { formatReport, progressPrinter } from "#app/doctor/print-report.server.ts"
import { startRedisServer, type RedisServer } from "#tests/fixtures/redis-server.ts"
import { doctor, STRONG_TOKEN, type DoctorRun } from "./doctor-lines.ts"
import { startFakeMongo } from "./fake-mongo-hello.ts"

const base = { WORKER_URL: "http://127.0.0.1:9", INTERNAL_API_TOKEN: STRONG_TOKEN }

describe("Redis", () => {
  let redis: RedisServer
  beforeAll(async () => {
    redis = await startRedisServer()
  })
  afterAll(async () => {
    await redis.stop()
  })

  it("passes when Redis answers PING, and fails once it is down", async () => {
    const up = await doctor({ ...base, REDIS_URL: redis.url })
    expect(up.line("Redis reachable")).toMatchObject({ status: "pass" })
    expect(up.progress).toContain(`Redis at ${redis.url}`)
    await redis.stop()
    const down = await doctor({ ...base, REDIS_URL: redis.url })
    expect(down.line("Redis reachable")).toMatchObject({ status: "fail" })
    expect(down.line("Redis reachable").detail).toContain("ECONNREFUSED")
  })

  it("skips an unset REDIS_URL outside production and fails it in production", async () => {
    expect((await doctor(base)).line("Redis reachable")).toMatchObject({ status: "skip" })
    const inProduction = await doctor({ ...base, NODE_ENV: "production" })
    inProduction.failsOnce("Redis reachable", "REDIS_URL")
  })
})

describe("MongoDB", () => {
  it("fails an unreachable MongoDB, without showing its password", async () => {
    const run = await doctor({ ...base, MONGODB_URI: "mongodb://admin:mongo-canary-password@127.0.0.1:9/second" })
    const line = run.line("MongoDB reachable")
    expect(line).toMatchObject({ status: "fail" })
    expect(line.detail).toContain("mongodb://127.0.0.1:9/second did not answer")
    expect(JSON.stringify(run.lines) + run.progress.join("")).not.toContain("mongo-canary-password")
  })

  it("fails a standalone server (no setName: no change streams)", async () => {
    const mongo = await startFakeMongo()
    try {
      const line = (await doctor({ ...base, MONGODB_URI: mongo.uri })).line("MongoDB reachable")
      expect(line).toMatchObject({ status: "fail" })
      expect(line.detail).toContain("standalone")
      expect(mongo.commands).toContain("hello")
    } finally {
      await mongo.stop()
    }
  })

  it("passes a replica set member, and fails one whose set is not the one MONGODB_URI names", async () => {
    const mongo = await startFakeMongo({ setName: "rs0" })
    try {
      const good = (await doctor({ ...base, MONGODB_URI: `${mongo.uri}?replicaSet=rs0` })).line("MongoDB reachable")
      expect(good).toMatchObject({ status: "pass" })
      expect(good.detail).toContain('replica set "rs0"')
      const wrongSet = (await doctor({ ...base, MONGODB_URI: `${mongo.uri}?replicaSet=other` })).line("MongoDB reachable")
      expect(wrongSet).toMatchObject({ status: "fail" })
      expect(wrongSet.detail).toContain('not as a member of replica set "other"')
    } finally {
      await mongo.stop()
    }
  })

  it("says the embedded SQLite store is the single-machine default: skipped, and ✗ in production", async () => {
    const local = (await doctor(base)).line("MongoDB reachable")
    expect(local).toMatchObject({ status: "skip" })
    expect(local.detail).toContain("single-machine default")
    const inProduction = await doctor({ ...base, NODE_ENV: "production" })
    inProduction.failsOnce("MongoDB reachable", "MONGODB_URI")
  })
})

/** Everything an operator would see: the report on stdout and the progress lines on stderr. */
function printed(run: DoctorRun): string {
  let stderr = ""
  const progress = progressPrinter((text) => (stderr += text))
  for (const what of run.progress) progress(what)
  return `${formatReport(run)}\n${stderr}`
}

describe("connection strings with raw (unencoded) passwords", () => {
  it("never prints any piece of a Redis password that holds an @", async () => {
    const run = await doctor({ ...base, REDIS_URL: "redis://default:R3dis@Passw0rd@127.0.0.1:6399" })
    const line = run.line("Redis reachable")
    expect(line).toMatchObject({ status: "fail" })
    expect(line.detail).toContain("redis://127.0.0.1:6399 did not answer")
    expect(run.progress).toContain("Redis at redis://127.0.0.1:6399")
    const text = printed(run)
    for (const piece of ["R3dis", "Passw0rd", "default:"]) expect(text).not.toContain(piece)
  })

  it("never prints a MongoDB password that holds an @, and shows the hosts", async () => {
    const run = await doctor({ ...base, MONGODB_URI: "mongodb://admin:Sup3r@Secret@127.0.0.1:27999/second" })
    expect(run.line("MongoDB reachable")).toMatchObject({ status: "fail" })
    const text = printed(run)
    expect(text).toContain("mongodb://127.0.0.1:27999/second")
    for (const piece of ["Sup3r", "Secret", "admin:"]) expect(text).not.toContain(piece)
  })

  it("reports a MONGODB_URI the driver cannot parse as a ✗ line, without echoing it, and runs the other checks", async () => {
    const run = await doctor({
      ...base,
      MONGODB_URI: "mongodb://admin:Pa/ssw0rdMongo@127.0.0.1:27999/second",
      REDIS_URL: "redis://127.0.0.1:9",
    })
    const line = run.line("MongoDB reachable")
    expect(line).toMatchObject({ status: "fail" })
    expect(line.detail).toContain("cannot be parsed")
    expect(line.fix).toContain("percent-encod")
    expect(run.line("Redis reachable")).toMatchObject({ status: "fail" })
    expect(run.line("INTERNAL_API_TOKEN is the same")).toBeDefined()
    const text = printed(run)
    for (const piece of ["Pa/ssw0rdMongo", "ssw0rdMongo", "admin:Pa"]) expect(text).not.toContain(piece)
  })
})
