// The run's writer for bench/run-fanout.bench.test.ts, in its own process as the worker is, so the
// pace of appends does not depend on how busy the 100 clients keep the benchmark's own process.
//
//   node --import tsx bench/run-fanout-writer.ts <redis url> <key prefix>
//
// Every text.delta carries `<seq>|<append time>|<words>`: the time (ms since the epoch, from
// performance.timeOrigin + performance.now(), sub-millisecond, comparable across processes on one
// machine) taken just before the append is sent. Driven over IPC like run-fanout-server.ts:
//   { id, cmd: "steady", runId, count, rate } → { started, achievedRate }  one append at a time,
//       through LiveCoordination.append (the worker's path), paced to `rate` per second;
//   { id, cmd: "burst", runId, count, terminal } → { started }  as fast as Redis takes them
//       (pipelined XADDs with explicit ids, which carry the same records).
// Both end with turn.completed unless `terminal` is false.

import { Redis } from "ioredis"
import { createRedisLive } from "#shared/live/redis-live.server.ts"
import { ENTRY_FIELD } from "#shared/live/redis-stream-tailer.server.ts"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { encodeRunStreamRecord, RUN_STREAM_MAX_LENGTH, runStreamKey } from "#shared/runs/run-stream.ts"

const WORDS = " the quick brown fox jumps over the lazy dog"
const TERMINAL: RunEvent = { type: "turn.completed", outcome: "completed" }
const now = () => performance.timeOrigin + performance.now()
const textDelta = (seq: number): RunEvent => ({ type: "text.delta", text: `${seq}|${now().toFixed(3)}|${WORDS}` })
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export type WriterCommand =
  | { readonly cmd: "steady"; readonly runId: string; readonly count: number; readonly rate: number }
  | { readonly cmd: "burst"; readonly runId: string; readonly count: number; readonly terminal: boolean }

async function main() {
  const [url, prefix] = process.argv.slice(2) as [string, string]
  const live = await createRedisLive({ url, prefix, connectionName: "bench-writer" })
  const pipelined = new Redis(url, { connectionName: "bench-writer:pipeline" })

  const steady = async (runId: string, count: number, rate: number) => {
    const key = runStreamKey(runId)
    let prev: string | null = null
    // Linked, as the worker appends (one Lua script per entry).
    const append = async (event: RunEvent) => {
      prev = await live.append(key, encodeRunStreamRecord({ prev, event }), { maxLength: RUN_STREAM_MAX_LENGTH, expectedLastId: prev })
    }
    const started = now()
    for (let seq = 0; seq < count; ) {
      const due = Math.min(count, Math.floor(((now() - started) * rate) / 1000) + 1)
      while (seq < due) await append(textDelta(seq++))
      await sleep(1)
    }
    const achievedRate = count / ((now() - started) / 1000)
    await append(TERMINAL)
    return { started, achievedRate }
  }

  const burst = async (runId: string, count: number, terminal: boolean) => {
    const key = `${prefix}${runStreamKey(runId)}`
    const total = count + (terminal ? 1 : 0)
    const base = Date.now()
    const started = now()
    let prev: string | null = null
    for (let from = 0; from < total; from += 1000) {
      const pipeline = pipelined.pipeline()
      for (let seq = from; seq < Math.min(from + 1000, total); seq += 1) {
        const id = `${base}-${seq + 1}`
        const record = encodeRunStreamRecord({ prev, event: seq < count ? textDelta(seq) : TERMINAL })
        pipeline.xadd(key, "MAXLEN", "=", RUN_STREAM_MAX_LENGTH, id, ENTRY_FIELD, record)
        prev = id
      }
      const failed = (await pipeline.exec())?.find(([error]) => error)
      if (failed) throw failed[0]
    }
    return { started }
  }

  process.on("message", (message: WriterCommand & { id: number }) => {
    const work = message.cmd === "steady" ? steady(message.runId, message.count, message.rate) : burst(message.runId, message.count, message.terminal)
    void work.then(
      (result) => process.send!({ id: message.id, result }),
      (error: unknown) => process.send!({ id: message.id, error: String(error) }),
    )
  })
  process.on("disconnect", () => process.exit(0))
  process.on("SIGTERM", () => process.exit(0))
  process.send!({ type: "ready" })
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
