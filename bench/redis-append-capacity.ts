// How many run-event appends one Redis takes per second through the live port's linked append
// (the Lua script every worker uses for run streams), with W concurrent writers each on its own
// run stream, as many runs streaming at once would. The largest deployment the design supports
// is bounded by this figure (docs/decisions/029). On demand, not in CI:
//
//   npx tsx bench/redis-append-capacity.ts            # 64 writers, 5 s
//   WRITERS=256 SECONDS=10 npx tsx bench/redis-append-capacity.ts

import { createRedisLive } from "#shared/live/redis-live.server.ts"
import { startRedisServer } from "#tests/fixtures/redis-server.ts"

const WRITERS = Number(process.env["WRITERS"] ?? 64)
const SECONDS = Number(process.env["SECONDS"] ?? 5)
// A realistic text delta's record: a few words of model output in the run event envelope.
const RECORD = JSON.stringify({ event: { type: "text.delta", text: "a few words of the model's reply " }, prev: "0-0" })

const redis = await startRedisServer()
const live = await createRedisLive({ url: redis.url, prefix: "cap:" })
try {
  let appended = 0
  const deadline = Date.now() + SECONDS * 1000
  const writer = async (index: number) => {
    let last: string | null = null
    while (Date.now() < deadline) {
      last = await live.append(`run:w${index}:events`, RECORD, { maxLength: 20_000, expectedLastId: last })
      appended += 1
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: WRITERS }, (_, index) => writer(index)))
  const seconds = (performance.now() - started) / 1000
  console.log(`[bench] redis linked appends: ${WRITERS} writers, ${seconds.toFixed(1)} s: ${Math.round(appended / seconds).toLocaleString("en")} appends/s`)
} finally {
  await live.close()
  await redis.stop()
}
