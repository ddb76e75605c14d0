// The token and runtime lines against a fake worker on loopback that answers GET /runtimes like
// the real one: the right token or a different one, a worker without a token, a dead worker,
// runtimes usable or not, an OpenCode without --format json, missing keys, no bubblewrap.

import { afterEach, describe, expect, it } from "vitest"
import { formatReport } from "#app/doctor/print-report.server.ts"
import { OPENCODE_WITHOUT_JSON_REASON } from "#shared/runs/internal-api.ts"
import { DEAD_URL, doctor, STRONG_TOKEN } from "./doctor-lines.ts"
import { HEALTHY_REPORT, runtime, startFakeWorker, type FakeWorker } from "./fake-worker.ts"
import { createRedisLive } from "#shared/live/redis-live.server.ts"
import { announceWorker } from "#shared/workers/worker-registry.ts"
import { startRedisServer } from "#tests/fixtures/redis-server.ts"

const OTHER_TOKEN = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
let worker: FakeWorker | undefined

afterEach(async () => {
  await worker?.stop()
  worker = undefined
})

async function doctorAgainst(options: Parameters<typeof startFakeWorker>[0], webToken: string | null = STRONG_TOKEN) {
  worker = await startFakeWorker(options)
  return doctor({ WORKER_URL: worker.url, INTERNAL_API_TOKEN: webToken ?? undefined })
}

describe("INTERNAL_API_TOKEN the same on web and worker", () => {
  it("passes when the worker accepts the web's token and refuses a made-up one", async () => {
    const run = await doctorAgainst({ token: STRONG_TOKEN })
    expect(run.line("INTERNAL_API_TOKEN is the same")).toMatchObject({ status: "pass" })
    expect(worker!.authorizations).toContain(`Bearer ${STRONG_TOKEN}`)
    expect(run.progress.some((what) => what.includes("GET /runtimes"))).toBe(true)
  })

  it("fails on 401 (the tokens differ), never printing either token", async () => {
    const run = await doctorAgainst({ token: OTHER_TOKEN })
    const line = run.line("INTERNAL_API_TOKEN is the same")
    expect(line).toMatchObject({ status: "fail" })
    expect(line.detail).toContain("values differ")
    expect(run.line("At least one runtime")).toMatchObject({ status: "skip" })
    const printed = formatReport(run) + run.progress.join("\n")
    expect(printed).not.toContain(STRONG_TOKEN)
    expect(printed).not.toContain(OTHER_TOKEN)
  })

  it("fails a worker that accepts any token (it has none of its own)", async () => {
    const line = (await doctorAgainst({ token: null })).line("INTERNAL_API_TOKEN is the same")
    expect(line).toMatchObject({ status: "fail" })
    expect(line.detail).toContain("accepts any token")
  })

  it("fails a web without a token talking to a worker that requires one", async () => {
    const line = (await doctorAgainst({ token: STRONG_TOKEN }, null)).line("INTERNAL_API_TOKEN is the same")
    expect(line).toMatchObject({ status: "fail" })
    expect(line.detail).toContain("the web has none")
  })

  it("fails an unreachable worker and skips the lines that need its report", async () => {
    const run = await doctor({ WORKER_URL: DEAD_URL, INTERNAL_API_TOKEN: STRONG_TOKEN })
    expect(run.line("INTERNAL_API_TOKEN is the same")).toMatchObject({ status: "fail" })
    expect(run.line("INTERNAL_API_TOKEN is the same").detail).toContain("did not answer")
    for (const item of ["At least one runtime", "OpenCode supports", "Provider credentials", "Bubblewrap"]) {
      expect(run.line(item)).toMatchObject({ status: "skip" })
    }
  })
})

describe("the worker's runtimes and sandbox", () => {
  it("passes every line for a healthy worker", async () => {
    const run = await doctorAgainst({ token: STRONG_TOKEN, report: HEALTHY_REPORT })
    for (const item of ["At least one runtime", "OpenCode supports", "Provider credentials", "Bubblewrap"]) {
      expect(run.line(item)).toMatchObject({ status: "pass" })
    }
    expect(run.line("At least one runtime").detail).toContain("claude (claude 1.0.0)")
  })

  it("fails when no runtime is usable, naming each one's reason", async () => {
    const report = {
      runtimes: [
        runtime("claude", { usable: false, version: null, reason: "claude was not found on PATH; install it or set SECOND_CLAUDE_PATH." }),
        runtime("codex", { usable: false, credentialsConfigured: false, reason: "no provider key is configured: set CODEX_API_KEY or OPENAI_API_KEY." }),
        runtime("opencode", { usable: false, version: null, reason: "opencode was not found on PATH; install it or set SECOND_OPENCODE_PATH." }),
      ],
      sandbox: HEALTHY_REPORT.sandbox,
    }
    const run = await doctorAgainst({ token: STRONG_TOKEN, report })
    const usable = run.line("At least one runtime")
    expect(usable).toMatchObject({ status: "fail" })
    expect(usable.detail).toContain("claude: claude was not found on PATH")
    expect(run.line("OpenCode supports")).toMatchObject({ status: "skip" })
    const credentials = run.line("Provider credentials")
    expect(credentials).toMatchObject({ status: "fail" })
    expect(credentials.detail).toContain("codex")
  })

  it("fails an OpenCode without `run --format json`", async () => {
    const opencode = runtime("opencode", { usable: false, reason: OPENCODE_WITHOUT_JSON_REASON })
    const report = { ...HEALTHY_REPORT, runtimes: [runtime("claude"), opencode] }
    const line = (await doctorAgainst({ token: STRONG_TOKEN, report })).line("OpenCode supports")
    expect(line).toMatchObject({ status: "fail" })
    expect(line.fix).toContain("Upgrade OpenCode")
  })

  it("passes credentials when some installed runtime has a key, naming those without", async () => {
    const report = { ...HEALTHY_REPORT, runtimes: [runtime("claude"), runtime("codex", { usable: false, credentialsConfigured: false })] }
    const line = (await doctorAgainst({ token: STRONG_TOKEN, report })).line("Provider credentials")
    expect(line).toMatchObject({ status: "pass" })
    expect(line.detail).toContain("not enabled: codex")
  })

  it("fails a worker running runtimes without bubblewrap", async () => {
    const report = { ...HEALTHY_REPORT, sandbox: { mode: "none" as const, missingProtections: ["the network", "other processes"] } }
    const line = (await doctorAgainst({ token: STRONG_TOKEN, report })).line("Bubblewrap")
    expect(line).toMatchObject({ status: "fail" })
    expect(line.fix).toContain("apt-get install bubblewrap")
  })
})

describe("several workers (WORKER_URL lists them)", () => {
  const others: FakeWorker[] = []
  afterEach(async () => {
    await Promise.all(others.splice(0).map((other) => other.stop()))
  })

  it("asks every listed worker, passing only when each passes, and names the one that fails", async () => {
    const [first, second] = await Promise.all([startFakeWorker({ token: STRONG_TOKEN }), startFakeWorker({ token: STRONG_TOKEN })])
    others.push(first!, second!)
    const good = await doctor({ WORKER_URL: `${first!.url},${second!.url}`, INTERNAL_API_TOKEN: STRONG_TOKEN })
    expect(good.line("INTERNAL_API_TOKEN is the same")).toMatchObject({ status: "pass" })
    expect(good.line("INTERNAL_API_TOKEN is the same").detail).toContain(first!.url)
    expect(good.line("INTERNAL_API_TOKEN is the same").detail).toContain(second!.url)
    expect(good.line("At least one runtime")).toMatchObject({ status: "pass" })
    expect(second!.authorizations).toContain(`Bearer ${STRONG_TOKEN}`)

    const stranger = await startFakeWorker({ token: OTHER_TOKEN })
    others.push(stranger)
    const bad = await doctor({ WORKER_URL: `${first!.url},${stranger.url}`, INTERNAL_API_TOKEN: STRONG_TOKEN })
    expect(bad.line("INTERNAL_API_TOKEN is the same")).toMatchObject({ status: "fail" })
    expect(bad.line("INTERNAL_API_TOKEN is the same").detail).toContain(stranger.url)
    expect(bad.line("At least one runtime")).toMatchObject({ status: "pass" })
  })
})

describe("workers registered in Redis (SECOND_WORKER_DISCOVERY=redis)", () => {
  it("asks the registered workers, and fails when none is registered", async () => {
    const redis = await startRedisServer()
    const registered = await startFakeWorker({ token: STRONG_TOKEN })
    const live = await createRedisLive({ url: redis.url })
    try {
      const env = { SECOND_WORKER_DISCOVERY: "redis", REDIS_URL: redis.url, INTERNAL_API_TOKEN: STRONG_TOKEN }
      const none = await doctor(env)
      expect(none.line("INTERNAL_API_TOKEN is the same")).toMatchObject({ status: "fail" })
      expect(none.line("INTERNAL_API_TOKEN is the same").detail).toContain("no worker is registered in Redis")

      const announcement = { id: "worker-a-1", url: registered.url, name: "worker-a", runtimes: ["claude" as const], capacity: 2, activeTurns: 0, draining: false, startedAt: new Date().toISOString() }
      await announceWorker(live, announcement)
      const found = await doctor(env)
      expect(found.line("INTERNAL_API_TOKEN is the same")).toMatchObject({ status: "pass" })
      expect(found.line("INTERNAL_API_TOKEN is the same").detail).toContain(registered.url)
      // WORKER_URL is then an allowlist: a registered worker it does not name is not asked.
      const elsewhere = await doctor({ ...env, WORKER_URL: DEAD_URL })
      expect(elsewhere.line("INTERNAL_API_TOKEN is the same").detail).toContain("did not answer")
      expect(elsewhere.line("Registered workers match WORKER_URL")).toMatchObject({ status: "fail" })
      // Only the run that allowed it asked it: its token, a made-up one, then GET /health with its token.
      expect(registered.authorizations).toHaveLength(3)
    } finally {
      await live.close()
      await registered.stop()
      await redis.stop()
    }
  })
})
