// npm run soak: the load bench's round (bench/load-round.ts: N builder runs at once, S SSE
// subscribers across 2 webs, 2 workers, one Redis, one SQLite store) in a loop for SOAK_MINUTES
// (default 10), alternating new apps with the same apps' next turns. After each round, once the
// workers' sessions have idled out (SECOND_SESSION_IDLE_SECONDS=5 here, so a CLI that outlives its
// session shows), it samples every process (webs, workers, redis-server): RSS and open descriptors
// from /proc, the processes left under each worker, and Redis's memory, keys and run streams; one
// row per sample. The first 2 rounds are the warm-up. The verdict: RSS and descriptors of every
// process grew ≤ 10 % after warm-up, no process leaked, Redis memory bounded by the stream policy
// (load-report.ts soakVerdict). Exit status 1 when not (or on any error in a round).
//
// Overrides: SOAK_MINUTES, SOAK_RUNS (default 16), SOAK_SUBSCRIBERS (1,000), SOAK_WORKERS (2).
// Needs the build (npm run build) and redis-server, like the tests.

import { leftoverChildren, sampleProcesses, sampleRedis, startLoadCluster, workerChildren, type LoadCluster } from "../bench/load-cluster.ts"
import { alignedRow, load as loadAverage, soakHeader, soakRow, soakVerdict, table, type SoakSample } from "../bench/load-report.ts"
import { runRound, type RoundKind } from "../bench/load-round.ts"

const MINUTES = Number(process.env["SOAK_MINUTES"] ?? 10)
const RUNS = Number(process.env["SOAK_RUNS"] ?? 16)
const SUBSCRIBERS = Number(process.env["SOAK_SUBSCRIBERS"] ?? 1_000)
const WORKERS = Number(process.env["SOAK_WORKERS"] ?? 2)
const WARM_UP_ROUNDS = 2
const SESSION_IDLE_SECONDS = 5
/** After a session idles out, how long its scope may take to stop its processes before they count as leaked. */
const LEAK_GRACE_MS = 30_000
const ROUND_TIMEOUT_MS = 300_000

async function soak(load: LoadCluster): Promise<boolean> {
  const before = new Set((await workerChildren(load)).map((child) => child.pid))
  const names = (await load.processes()).map((process) => process.name)
  const samples: SoakSample[] = []
  const header = soakHeader(names)
  const rows: string[][] = [header]
  const deadline = Date.now() + MINUTES * 60_000
  const apps: Array<string | undefined> = []
  let errors = 0
  console.log(`[soak] ${MINUTES} min: 2 webs × ${WORKERS} workers, ${RUNS} runs and ${SUBSCRIBERS} subscribers per round, warm-up ${WARM_UP_ROUNDS} rounds; load average ${loadAverage()}`)
  console.log(alignedRow(header, header))
  for (let round = 1; Date.now() < deadline || round <= WARM_UP_ROUNDS + 1; round += 1) {
    // Odd rounds start new apps; even rounds send the next turn to the apps of the round before.
    const kind: RoundKind = round % 2 === 1 ? "new apps" : "next turns"
    if (kind === "new apps") apps.length = 0
    const result = await runRound(load, { round, kind, apps, timeoutMs: ROUND_TIMEOUT_MS })
    errors += result.errors
    const leaked = await leftoverChildren(load, before, LEAK_GRACE_MS)
    const sample: SoakSample = { round: result, processes: await sampleProcesses(load), leaked, redis: await sampleRedis(load.redis), at: Date.now() }
    samples.push(sample)
    rows.push(soakRow(sample))
    console.log(`${alignedRow(header, rows.at(-1)!)}   (load average ${loadAverage()})`)
    for (const problem of result.problems) console.log(`[soak]   round ${round}: ${problem}`)
  }
  const verdict = soakVerdict(samples, WARM_UP_ROUNDS)
  const ok = verdict.ok && errors === 0
  console.log(`[soak] every sample:\n${table(rows)}`)
  console.log(`[soak] ${samples.length} rounds, ${errors} errors; after warm-up (${WARM_UP_ROUNDS} rounds):\n${verdict.text}${errors ? `\nerrors: ${errors} (goal 0)` : ""}`)
  return ok
}

const startedAt = Date.now()
const load = await startLoadCluster({ runs: RUNS, subscribers: SUBSCRIBERS, workers: WORKERS, sessionIdleSeconds: SESSION_IDLE_SECONDS })
let stopping = false
const stop = async (code: number) => {
  if (stopping) return
  stopping = true
  await load.stop().catch((error: unknown) => console.error(`[soak] stopping the cluster failed: ${String(error)}`))
  console.log(`[soak] done in ${((Date.now() - startedAt) / 60_000).toFixed(1)} min`)
  process.exit(code)
}
process.once("SIGINT", () => void stop(130))
process.once("SIGTERM", () => void stop(143))
try {
  await stop((await soak(load)) ? 0 : 1)
} catch (error) {
  console.error(`[soak] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  console.error(load.cluster.logs().slice(-20_000))
  await stop(1)
}
