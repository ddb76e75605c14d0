// Load across the whole production shape: 2 webs and 2 workers from the build on one Redis (its
// run streams trimmed and expired as in production) and one SQLite store, the real Claude Code
// against the scripted fake model. N people each send one builder message at once (a new app
// each; half through each web), and S SSE subscribers, split over the runs and alternating
// between the webs, follow the runs to run.settled (bench/load-round.ts). Prints one table:
// runs/s, p50/p99 send → first event, p99 delivery (receipt − the stream id's append time),
// errors, runs per worker, RSS per process at start and end.
//
// Asserts only what cannot flake: every run completed, every subscriber got every event of its
// run exactly once and in order (checked against the stream in Redis), no errors at all, and with
// two workers both took runs. No timing is asserted: the machine is shared.
//
// SHORT (default, in `npm test`): N=16, S=1,000: subscribers are cheap, CLI processes are not
// (~150-250 MB and ~1 s of CPU each). FULL (BENCH_LOAD=full): N=100, S=1,000, the figures.
// Overrides: BENCH_LOAD_RUNS, BENCH_LOAD_SUBSCRIBERS, BENCH_LOAD_WORKERS. The soak (npm run soak,
// scripts/soak.ts) loops the same round.

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sampleProcesses, startLoadCluster, type LoadCluster, type ProcessSample } from "./load-cluster.ts"
import { benchTable, load as loadAverage } from "./load-report.ts"
import { runRound, type RoundResult } from "./load-round.ts"

const FULL = process.env["BENCH_LOAD"] === "full"
const RUNS = Number(process.env["BENCH_LOAD_RUNS"] ?? (FULL ? 100 : 16))
const SUBSCRIBERS = Number(process.env["BENCH_LOAD_SUBSCRIBERS"] ?? 1_000)
const WORKERS = Number(process.env["BENCH_LOAD_WORKERS"] ?? 2)
// A bound for a hung round, not a goal: 100 CLIs starting at once on two cores take a while.
const ROUND_TIMEOUT_MS = FULL ? 600_000 : 180_000

let cluster: LoadCluster | undefined
let startedAt = 0

beforeAll(async () => {
  startedAt = performance.now()
  cluster = await startLoadCluster({ runs: RUNS, subscribers: SUBSCRIBERS, workers: WORKERS })
}, 180_000)

afterAll(async () => {
  await cluster?.stop()
}, 60_000)

describe("load: concurrent builder runs across workers, followed over SSE across webs", () => {
  it(`${RUNS} runs at once, ${SUBSCRIBERS} subscribers, ${WORKERS} workers (${FULL ? "FULL" : "SHORT"})`, { timeout: ROUND_TIMEOUT_MS + 60_000 }, async () => {
    const load = cluster!
    const start: ProcessSample[] = await sampleProcesses(load)
    const setupSeconds = (performance.now() - startedAt) / 1000
    let round: RoundResult
    try {
      round = await runRound(load, { round: 1, kind: "new apps", apps: [], timeoutMs: ROUND_TIMEOUT_MS })
    } catch (error) {
      console.log(load.cluster.logs().slice(-20_000))
      throw error
    }
    const end = await sampleProcesses(load)
    const title =
      `[bench] load (${FULL ? "FULL" : "SHORT"}): 2 webs × ${WORKERS} workers, ${RUNS} concurrent runs, ${SUBSCRIBERS} subscribers` +
      ` — set-up ${setupSeconds.toFixed(0)} s, round ${round.seconds.toFixed(1)} s, load average ${loadAverage()}`
    console.log(benchTable({ title, rounds: [round], start, end }))
    if (round.problems.length > 0) console.log(`[bench] load problems:\n  ${round.problems.join("\n  ")}`)

    expect(round.problems).toEqual([])
    expect(round.errors).toBe(0)
    expect(round.runs).toBe(RUNS)
    expect(round.subscribers).toBe(SUBSCRIBERS)
    expect(round.runsPerWorker.reduce((sum, runs) => sum + runs, 0)).toBe(RUNS)
    // Both workers took work (the web spreads new apps by load).
    for (const runs of round.runsPerWorker) expect(runs).toBeGreaterThan(0)
  })
})
