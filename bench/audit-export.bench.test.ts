// Audit export of 100,000 events: does memory stay flat while it streams?
//
// 100,000 audit events (three per millisecond, so cursors land on ties) are written straight into
// a real SQLite file in one transaction (seeding is not what is measured). Then the export is
// fetched through the real route handler (GET /api/w/:w/audit/export?format=csv, the owner's
// session cookie, authorization, the audit.exported record) and its body read to the end, a chunk
// at a time, as a download would. While it streams, RSS and heap are sampled: raw, and after a
// forced garbage collection every few chunks (what the stream really holds on to). The baseline,
// in the same run: a plain keyset read of the same rows (readAuditPage, 500 a page, oldest first)
// with no names, sentences or formatting.
//
// Prints RSS/heap growth, bytes, events/s of both and their ratio. Asserts no time: only that
// every event arrived once, in order, and that the heap retained while streaming stays under 25%
// of the bytes exported (it holds one page, not the export). AUDIT_BENCH_EVENTS changes the size.

import Database from "better-sqlite3"
import type { AppLoadContext } from "@remix-run/node"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { afterAll, beforeAll, expect, it } from "vitest"
import { newId } from "#shared/ids.ts"
import { NO_AUDIT_FILTERS, readAuditPage, type AuditCursor } from "#app/audit/audit-query.server.ts"
import { loader as exportLoader } from "#app/routes/api.w.$workspaceId.audit.export.ts"
import { openAppDataWorld, type AppDataWorld, type Person } from "#tests/fixtures/app-data-world.ts"

const EVENTS = Math.max(1000, Number(process.env["AUDIT_BENCH_EVENTS"] ?? 100_000))
const SAMPLE_EVERY_CHUNKS = 20

setFlagsFromString("--expose-gc")
const collectGarbage = runInNewContext("gc") as () => void

let world: AppDataWorld
let workspaceId: string
let owner: Person

beforeAll(async () => {
  world = await openAppDataWorld()
  workspaceId = await world.workspace()
  owner = await world.person(workspaceId, "owner")
  const people = [owner.viewer.user.id, ...(await Promise.all([1, 2, 3].map(async () => (await world.person(workspaceId, "admin")).viewer.user.id)))]
  const apps = Array.from({ length: 20 }, () => newId())
  const start = Date.UTC(2026, 0, 1)
  const db = new Database(world.file)
  db.pragma("busy_timeout = 5000")
  const insert = db.prepare("INSERT INTO audit_events (id, doc) VALUES (?, ?)")
  db.transaction(() => {
    for (let n = 0; n < EVENTS; n += 1) {
      const app = apps[n % apps.length]!
      const doc = {
        workspaceId,
        occurredAt: new Date(start + Math.floor(n / 3)).toISOString(),
        actorUserId: people[n % people.length],
        action: n % 4 === 0 ? "app.published" : "app.renamed",
        targetType: "app",
        targetId: app,
        before: { name: `Lunch orders ${n - 1}`, sourceHash: `sha256:${"a".repeat(64)}` },
        after: { name: `Lunch orders ${n}`, releaseNumber: n, versionNumber: n, visibility: "workspace", teamIds: [], sourceHash: `sha256:${"b".repeat(64)}` },
      }
      insert.run(newId(), JSON.stringify(doc))
    }
  })()
  db.close()
}, 120_000)

afterAll(async () => {
  await world?.close()
})

interface Memory {
  readonly rss: number
  readonly heap: number
}

const memory = (): Memory => {
  const { rss, heapUsed } = process.memoryUsage()
  return { rss, heap: heapUsed }
}

const settled = (): Memory => {
  collectGarbage()
  return memory()
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`

/** The baseline: the same rows read on the keyset, 500 a page, nothing formatted. */
async function plainKeysetRead(): Promise<{ count: number; ms: number }> {
  const started = performance.now()
  let after: AuditCursor | null = null
  let count = 0
  for (;;) {
    const page = await readAuditPage(world.store, workspaceId, NO_AUDIT_FILTERS, { limit: 500, after, order: "oldest" })
    count += page.events.length
    if (page.next === null) break
    after = page.next
  }
  return { count, ms: performance.now() - started }
}

it(`streams a CSV export of ${EVENTS.toLocaleString("en")} audit events with flat memory`, { timeout: 120_000 }, async () => {
  const baseline = await plainKeysetRead()
  expect(baseline.count).toBe(EVENTS)

  const before = settled()
  const started = performance.now()
  const request = new Request(`http://second.test/api/w/${workspaceId}/audit/export?format=csv`, { headers: { cookie: owner.cookie } })
  const response = await exportLoader({ request, params: { workspaceId }, context: { services: world.services } as unknown as AppLoadContext })
  expect(response.status).toBe(200)

  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let bytes = 0
  let chunks = 0
  let rows = -1 // the header
  let previousKey = ""
  let ordered = true
  let lastAction = ""
  let partial = ""
  let peakRaw = before
  let peakSettled = before
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    bytes += value.byteLength
    chunks += 1
    // No field here holds a line break, so lines are rows; a key must grow strictly, row after row.
    const lines = (partial + decoder.decode(value, { stream: true })).split("\r\n")
    partial = lines.pop() ?? ""
    for (const line of lines) {
      rows += 1
      if (rows === 0) continue
      const occurredAt = line.slice(0, line.indexOf(","))
      const id = line.slice(line.lastIndexOf(",") + 1)
      const key = `${occurredAt}|${id}`
      if (key <= previousKey) ordered = false
      previousKey = key
      lastAction = line.split(",")[3] ?? ""
    }
    const now = memory()
    peakRaw = { rss: Math.max(peakRaw.rss, now.rss), heap: Math.max(peakRaw.heap, now.heap) }
    if (chunks % SAMPLE_EVERY_CHUNKS === 0) {
      const held = settled()
      peakSettled = { rss: Math.max(peakSettled.rss, held.rss), heap: Math.max(peakSettled.heap, held.heap) }
    }
  }
  const ms = performance.now() - started
  const after = settled()

  // Every seeded event once, oldest first, then the record of this export (written as it started).
  expect(partial).toBe("")
  expect(ordered).toBe(true)
  expect(rows).toBe(EVENTS + 1)
  expect(lastAction).toBe("audit.exported")

  const heapHeld = peakSettled.heap - before.heap
  const exportRate = (rows / ms) * 1000
  const baselineRate = (baseline.count / baseline.ms) * 1000
  console.log(
    [
      `audit export: ${rows.toLocaleString("en")} events, ${mb(bytes)} of CSV in ${chunks} chunks, ${(ms / 1000).toFixed(2)} s`,
      `  export (route, CSV)     ${Math.round(exportRate).toLocaleString("en")} events/s`,
      `  plain keyset read       ${Math.round(baselineRate).toLocaleString("en")} events/s (${(baseline.ms / 1000).toFixed(2)} s)`,
      `  ratio                   ${(baselineRate / exportRate).toFixed(2)}× the baseline's time per event`,
      `  heap held (after GC)    +${mb(heapHeld)} peak while streaming (${((heapHeld / bytes) * 100).toFixed(1)}% of the bytes exported; bound 25%)`,
      `  heap raw peak           +${mb(peakRaw.heap - before.heap)}`,
      `  RSS                     ${mb(before.rss)} → peak ${mb(peakRaw.rss)} (+${mb(peakRaw.rss - before.rss)}), after ${mb(after.rss)}`,
    ].join("\n"),
  )
  expect(heapHeld).toBeLessThan(bytes * 0.25)
})
