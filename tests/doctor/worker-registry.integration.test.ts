// What the doctor says about the worker registry in Redis: a WORKER_URL allowlist spelled otherwise
// than the workers announce, two workers announcing one URL, a URL answering as another worker,
// workers draining, several failing workers named together, and a refused SECOND_WORKER_DISCOVERY
// that must not send it probing a default nobody configured. Real Redis, fake workers on loopback.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import { createRedisLive } from "#shared/live/redis-live.server.ts"
import { announceWorker, withdrawWorker, type WorkerAnnouncement } from "#shared/workers/worker-registry.ts"
import { startRedisServer, type RedisServer } from "#tests/fixtures/redis-server.ts"
import { DEAD_URL, doctor, STRONG_TOKEN } from "./doctor-lines.ts"
import { startFakeWorker, type FakeWorker } from "./fake-worker.ts"

let redis: RedisServer
let live: LiveCoordination
const started: FakeWorker[] = []
const announced: string[] = []

beforeAll(async () => {
  redis = await startRedisServer()
  live = await createRedisLive({ url: redis.url })
})

afterAll(async () => {
  await Promise.all(started.map((worker) => worker.stop()))
  await live.close()
  await redis.stop()
})

beforeEach(async () => {
  await Promise.all(announced.splice(0).map((id) => withdrawWorker(live, id)))
})

async function fakeWorker(id?: string) {
  const worker = await startFakeWorker({ token: STRONG_TOKEN, ...(id ? { id } : {}) })
  started.push(worker)
  return worker
}

async function announce(name: string, url: string, overrides: Partial<WorkerAnnouncement> = {}) {
  const announcement = { id: `${name}-1`, url, name, runtimes: ["claude" as const], capacity: 2, activeTurns: 0, draining: false, startedAt: new Date().toISOString(), ...overrides }
  await announceWorker(live, announcement)
  announced.push(announcement.id)
  return announcement
}

const discoveryEnv = () => ({ SECOND_WORKER_DISCOVERY: "redis", REDIS_URL: redis.url, INTERNAL_API_TOKEN: STRONG_TOKEN })

describe("the worker registry", () => {
  it("fails an allowlist that names none of the registered workers, naming each side", async () => {
    const worker = await fakeWorker()
    const port = new URL(worker.url).port
    await announce("worker-1", worker.url)
    const run = await doctor({ ...discoveryEnv(), WORKER_URL: `http://localhost:${port}` })
    const line = run.line("Registered workers match WORKER_URL")
    expect(line).toMatchObject({ status: "fail" })
    expect(line.detail).toContain(`worker-1-1 (${worker.url}) is registered but not in WORKER_URL`)
    expect(line.detail).toContain(`http://localhost:${port} is in WORKER_URL but no registered worker announces it`)
    expect(line.fix).toContain("its SECOND_WORKER_URL")

    const listed = await doctor({ ...discoveryEnv(), WORKER_URL: worker.url })
    expect(listed.line("Registered workers match WORKER_URL")).toMatchObject({ status: "pass" })
    expect(listed.line("INTERNAL_API_TOKEN is the same")).toMatchObject({ status: "pass" })
  })

  it("with discovery off and several listed URLs, names a registered worker outside the list and says to turn discovery on", async () => {
    const [listedWorker, other] = [await fakeWorker(), await fakeWorker()]
    await announce("listed", listedWorker.url)
    await announce("other", other.url)
    const run = await doctor({ REDIS_URL: redis.url, INTERNAL_API_TOKEN: STRONG_TOKEN, WORKER_URL: `${listedWorker.url},${DEAD_URL}` })
    const line = run.line("Registered workers match WORKER_URL")
    expect(line).toMatchObject({ status: "fail" })
    expect(line.detail).toContain(`other-1 (${other.url}) is registered but not in WORKER_URL`)
    expect(line.detail).not.toContain(DEAD_URL + " is in WORKER_URL")
    expect(line.fix).toContain("turn discovery on")
  })

  it("fails two workers announcing one URL, naming both", async () => {
    const worker = await fakeWorker()
    await announce("alpha", worker.url)
    await announce("beta", worker.url)
    const line = (await doctor(discoveryEnv())).line("Each registered worker announces its own URL")
    expect(line).toMatchObject({ status: "fail" })
    expect(line.detail).toContain(`alpha-1 (alpha) and beta-1 (beta) all announce ${worker.url}`)
    expect(line.fix).toContain("its own SECOND_WORKER_URL")
  })

  it("fails a registered URL whose worker answers /health as another worker", async () => {
    const worker = await fakeWorker("impostor-7")
    await announce("genuine", worker.url)
    const line = (await doctor(discoveryEnv())).line("Each registered worker answers at its own URL")
    expect(line).toMatchObject({ status: "fail" })
    expect(line.detail).toContain(`the worker at ${worker.url} answers as impostor-7`)

    const honest = await fakeWorker("honest-1")
    await withdrawWorker(live, "genuine-1")
    await announce("honest", honest.url)
    expect((await doctor(discoveryEnv())).line("Each registered worker answers at its own URL")).toMatchObject({ status: "pass" })
  })

  it("names every failing worker, points a registered one at its own SECOND_WORKER_URL, and says which are draining", async () => {
    const live1 = await fakeWorker()
    await announce("dead-a", DEAD_URL)
    await announce("dead-b", "http://127.0.0.1:7")
    await announce("up", live1.url)
    await announce("leaving", "http://127.0.0.1:5", { draining: true })
    const line = (await doctor(discoveryEnv())).line("INTERNAL_API_TOKEN is the same")
    expect(line).toMatchObject({ status: "fail" })
    expect(line.detail).toContain(`dead-a (dead-a-1) at ${DEAD_URL} did not answer`)
    expect(line.detail).toContain("dead-b (dead-b-1) at http://127.0.0.1:7 did not answer")
    expect(line.detail).toContain("draining, not asked: leaving-1 (http://127.0.0.1:5)")
    expect(line.fix).toContain("dead-a's SECOND_WORKER_URL")
    expect(line.fix).toContain("dead-b's SECOND_WORKER_URL")
    expect(line.fix).not.toContain("Check WORKER_URL")
  })

  it("says every registered worker is draining rather than that none is registered", async () => {
    await announce("leaving", "http://127.0.0.1:5", { draining: true })
    const line = (await doctor(discoveryEnv())).line("INTERNAL_API_TOKEN is the same")
    expect(line).toMatchObject({ status: "fail" })
    expect(line.detail).toContain("every registered worker is draining (draining, not asked: leaving-1")
  })
})

describe("a refused worker setting", () => {
  it.each([
    [{ SECOND_WORKER_DISCOVERY: "consul" }, "SECOND_WORKER_DISCOVERY is refused"],
    [{ WORKER_URL: "http://user:secret@a:3001" }, "WORKER_URL is refused"],
  ])("%j: asks no worker, not even the default 127.0.0.1:3001", async (env, why) => {
    const run = await doctor({ NODE_ENV: "production", INTERNAL_API_TOKEN: STRONG_TOKEN, ...env })
    expect(run.progress.join("\n")).not.toContain("127.0.0.1:3001")
    expect(run.line("INTERNAL_API_TOKEN is the same")).toMatchObject({ status: "skip" })
    expect(run.line("INTERNAL_API_TOKEN is the same").detail).toContain(why)
  })
})
