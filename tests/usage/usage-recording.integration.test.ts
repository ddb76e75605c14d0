// Usage as it is recorded and read, on the in-process web tier: a settled builder turn or agent
// run stores one usage document (its reports added up, the runtime's cost or the price table's
// estimate), never two for one run; usage.summary and usage.forApp add them up over days; the CSV
// route gives the same figures as RFC 4180.

import { TRPCError } from "@trpc/server"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { PRICE_TABLE_DATE } from "#shared/usage/price-table.ts"
import { newId } from "#shared/ids.ts"
import { settleRun } from "#app/runs/run-settlement.server.ts"
import { loader as usageCsvLoader } from "#app/routes/api.w.$workspaceId.usage[.]csv.ts"
import { apps, runs } from "#app/store/collections.server.ts"
import { recordRunUsage } from "#app/usage/record-usage.server.ts"
import { usageRecords, type UsageDocument } from "#app/usage/usage-collections.server.ts"
import { USAGE_PAGE_SIZE } from "#app/usage/usage-report.server.ts"
import { createVersionWorld, type VersionWorld } from "#tests/fixtures/version-world.ts"
import { parseCsv } from "./csv.ts"
import { getAs, settledAgentRun, settledBuilderTurn, usageParts } from "./usage-world.ts"

let world: VersionWorld
beforeAll(async () => {
  world = await createVersionWorld()
})
afterAll(async () => {
  await world?.close()
})

const today = () => new Date().toISOString().slice(0, 10)
const usageOfRun = (runId: string) => world.services.store.collection(usageRecords).findMany({ runId })
const refused = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => null, (caught: unknown) => caught)
  expect(error).toBeInstanceOf(TRPCError)
  return error as TRPCError
}

// What the tests below settle, shared by the summary and CSV tests that add them up.
const CLAUDE_REPORTS = [
  { inputTokens: 1_200, outputTokens: 300, cachedInputTokens: 1_000, costUsd: 0.0123 },
  { inputTokens: 800, outputTokens: 200, cachedInputTokens: null, costUsd: 0.0077 },
]

describe("recording a run's usage", () => {
  it("stores a builder turn's reports added up, at the cost the runtime reported, for the person who sent it", async () => {
    const { app, run } = await settledBuilderTurn(world, "claude", null, usageParts(...CLAUDE_REPORTS))
    const [stored, ...more] = await usageOfRun(run.id)
    expect(more).toEqual([])
    expect(stored).toMatchObject({
      workspaceId: world.workspaceId,
      appId: app.id,
      runKind: "builder",
      userId: world.people.creator.id,
      runtime: "claude",
      model: null,
      day: today(),
      inputTokens: 2_000,
      outputTokens: 500,
      cachedInputTokens: 1_000,
      costUsd: 0.02,
      costSource: "runtime",
      priceTableDate: null,
    })
  })

  it("counts a run once, however often its settlement or recording runs again", async () => {
    const { app, run } = await settledBuilderTurn(world, "claude", "sonnet", usageParts(CLAUDE_REPORTS[0]!))
    // The worker's report arriving twice, the reaper or a stop settling it after, a recording retried.
    expect(await settledOnceMore(app.id, run.id)).toBe("already-settled")
    const stored = (await world.services.store.collection(runs).findOne({ id: run.id }))!
    expect(await settleRun(world.services, { ...stored, status: "running" }, { status: "stopped", error: null, transcript: usageParts(CLAUDE_REPORTS[0]!), source: null })).toBeNull()
    await recordRunUsage(world.services, {
      runKind: "builder",
      runId: run.id,
      workspaceId: world.workspaceId,
      appId: app.id,
      userId: world.people.creator.id,
      runtime: "claude",
      model: "sonnet",
      endedAt: new Date().toISOString(),
      transcript: usageParts(CLAUDE_REPORTS[0]!),
    })
    expect(await usageOfRun(run.id)).toHaveLength(1)
  })

  it("prices a run the runtime did not price from the dated table, and says when it cannot", async () => {
    const tokens = { inputTokens: 100_000, outputTokens: 10_000, cachedInputTokens: 40_000, costUsd: null }
    const codex = await settledBuilderTurn(world, "codex", "gpt-5.5", usageParts(tokens))
    // GPT-5.5: $5 per 1M input, $0.50 cached, $30 output.
    expect((await usageOfRun(codex.run.id))[0]).toMatchObject({ costUsd: 0.62, costSource: "price_table", priceTableDate: PRICE_TABLE_DATE })

    // OpenCode priced only one of its steps: the run is priced whole by the table (openai/ prefix, dated id).
    const opencode = await settledBuilderTurn(
      world,
      "opencode",
      "openai/gpt-5.5-2026-04-23",
      usageParts({ inputTokens: 1_000_000, outputTokens: 0, cachedInputTokens: 0, costUsd: 1.5 }, { inputTokens: 0, outputTokens: 100_000, cachedInputTokens: null, costUsd: null }),
    )
    expect((await usageOfRun(opencode.run.id))[0]).toMatchObject({ inputTokens: 1_000_000, outputTokens: 100_000, costUsd: 8, costSource: "price_table" })

    const unknown = await settledBuilderTurn(world, "codex", "gpt-6.2-sol", usageParts(tokens))
    expect((await usageOfRun(unknown.run.id))[0]).toMatchObject({ inputTokens: 100_000, costUsd: null, costSource: "unknown", priceTableDate: null })
  })

  it("stores nothing for a run whose runtime reported no usage", async () => {
    const { run } = await settledBuilderTurn(world, "claude", null, [{ kind: "text", text: "No usage came." }])
    expect(await usageOfRun(run.id)).toEqual([])
  })

  it("stores an agent run's usage for the person who triggered it", async () => {
    const { app } = await settledBuilderTurn(world, "claude", null, [])
    const run = await settledAgentRun(world, app.id, world.people.admin, "claude", "haiku", usageParts({ inputTokens: 500, outputTokens: 50, cachedInputTokens: 100, costUsd: 0.001 }))
    expect((await usageOfRun(run.id))[0]).toMatchObject({ runKind: "agent", appId: app.id, userId: world.people.admin.id, model: "haiku", costUsd: 0.001, costSource: "runtime" })
  })
})

async function settledOnceMore(appId: string, runId: string) {
  const { completeRun } = await import("#app/runs/run-completion.server.ts")
  return completeRun(world.services, runId, { appId, outcome: "completed", error: null, runtime: "claude", nativeSessionId: null, transcript: usageParts(CLAUDE_REPORTS[0]!), source: null })
}

/** Every usage document of the world's workspace, as the store has them. */
const allUsage = () => world.services.store.collection(usageRecords).findMany({ workspaceId: world.workspaceId })
const sum = (records: readonly UsageDocument[], field: "inputTokens" | "outputTokens" | "cachedInputTokens" | "costUsd") =>
  records.reduce((total, record) => total + (record[field] ?? 0), 0)

describe("usage.summary and usage.forApp", () => {
  it("adds the workspace's runs up by runtime, marking the groups with estimated or unknown costs", async () => {
    const admin = world.caller(world.people.admin)
    const records = await allUsage()
    const report = await admin.usage.summary({ workspaceId: world.workspaceId, groupBy: "runtime" })
    expect(report.totals).toEqual({
      runs: records.length,
      inputTokens: sum(records, "inputTokens"),
      outputTokens: sum(records, "outputTokens"),
      cachedInputTokens: sum(records, "cachedInputTokens"),
      costUsd: Math.round(sum(records, "costUsd") * 1e6) / 1e6,
      estimated: true,
    })
    const byRuntime = new Map(report.rows.map((row) => [row.key, row]))
    // Claude Code reported every cost it ran up; Codex and OpenCode's were estimated (or unknown).
    expect(byRuntime.get("claude")).toMatchObject({ label: "Claude Code", runs: 3, inputTokens: 2_000 + 1_200 + 500, costUsd: 0.02 + 0.0123 + 0.001, estimated: false })
    expect(byRuntime.get("codex")).toMatchObject({ label: "Codex", runs: 2, costUsd: 0.62, estimated: true })
    expect(byRuntime.get("opencode")).toMatchObject({ label: "OpenCode", runs: 1, costUsd: 8, estimated: true })
  })

  it("groups by day, app and person, each with the same totals", async () => {
    const admin = world.caller(world.people.admin)
    const reports = await Promise.all((["day", "app", "person", "runtime"] as const).map((groupBy) => admin.usage.summary({ workspaceId: world.workspaceId, groupBy })))
    for (const report of reports) {
      expect(report.totals).toEqual(reports[0]!.totals)
      expect(report.rows.reduce((total, row) => total + row.runs, 0)).toBe(report.totals.runs)
    }
    const [byDay, byApp, byPerson] = reports
    expect(byDay!.rows.map((row) => row.key)).toEqual([today()])
    expect(byApp!.rows.every((row) => row.label === "Lunch")).toBe(true)
    expect(byPerson!.rows.map((row) => row.label).sort()).toEqual(["Ada", "Grace"])
  })

  it("reads only the days asked for, and refuses a range it cannot read in words", async () => {
    const admin = world.caller(world.people.admin)
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)
    const later = await admin.usage.summary({ workspaceId: world.workspaceId, groupBy: "day", from: tomorrow, to: tomorrow })
    expect(later.rows).toEqual([])
    expect(later.totals.runs).toBe(0)
    const cases = [
      [{ from: "2026-02-30" }, /from must be a day written yyyy-mm-dd/],
      [{ from: "2026-03-02", to: "2026-03-01" }, /from \(2026-03-02\) must not be after to \(2026-03-01\)/],
      [{ from: "2025-01-01", to: "2026-01-02" }, /covers 367 days; pick at most 366/],
    ] as const
    for (const [range, message] of cases) {
      const error = await refused(admin.usage.summary({ workspaceId: world.workspaceId, groupBy: "day", ...range }))
      expect(error.code).toBe("BAD_REQUEST")
      expect(error.message).toMatch(message)
    }
  })

  it("is for owners and admins; an app's own usage is for the people who build it", async () => {
    expect((await refused(world.caller(world.people.creator).usage.summary({ workspaceId: world.workspaceId, groupBy: "day" }))).code).toBe("FORBIDDEN")
    const { app } = await settledBuilderTurn(world, "claude", null, usageParts(CLAUDE_REPORTS[1]!))
    const own = await world.caller(world.people.creator).usage.forApp({ workspaceId: world.workspaceId, appId: app.id })
    expect(own.totals).toMatchObject({ runs: 1, inputTokens: 800, outputTokens: 200, costUsd: 0.0077, estimated: false })
    expect(own.days).toEqual([{ key: today(), label: today(), ...own.totals }])
    expect((await refused(world.caller(world.people.otherMember).usage.forApp({ workspaceId: world.workspaceId, appId: app.id }))).code).toBe("NOT_FOUND")
    expect((await refused(world.caller(world.people.outsider).usage.forApp({ workspaceId: world.workspaceId, appId: app.id }))).code).toBe("NOT_FOUND")
  })

  it("reads a day of many runs page by page, missing none", async () => {
    const { app } = await settledBuilderTurn(world, "claude", null, [])
    const count = USAGE_PAGE_SIZE * 2 + 3
    const day = "2026-01-15"
    for (let index = 0; index < count; index += 1) {
      await world.services.store.collection(usageRecords).insert({
        id: newId(),
        workspaceId: world.workspaceId,
        appId: app.id,
        runKind: "agent",
        runId: newId(),
        userId: world.people.creator.id,
        runtime: "codex",
        model: "gpt-5.5",
        day,
        inputTokens: 10,
        outputTokens: 1,
        cachedInputTokens: 0,
        costUsd: 0.001,
        costSource: "price_table",
        priceTableDate: PRICE_TABLE_DATE,
        createdAt: new Date().toISOString(),
      })
    }
    const own = await world.caller(world.people.creator).usage.forApp({ workspaceId: world.workspaceId, appId: app.id, from: day, to: day })
    expect(own.totals).toEqual({ runs: count, inputTokens: 10 * count, outputTokens: count, cachedInputTokens: 0, costUsd: Math.round(0.001 * count * 1e6) / 1e6, estimated: true })
  })
})

describe("the usage CSV", () => {
  const csvPath = (query: string) => `/api/w/${world.workspaceId}/usage.csv?${query}`
  const get = (user = world.people.admin, query = "groupBy=app") => getAs(world, user, usageCsvLoader as never, csvPath(query), { workspaceId: world.workspaceId })

  it("parses as RFC 4180, with a header, a row per group and totals equal to the summary's", async () => {
    // A name that needs quoting, and one a spreadsheet would run as a formula.
    const before = await world.caller(world.people.admin).usage.summary({ workspaceId: world.workspaceId, groupBy: "app" })
    const [first, second] = before.rows
    await world.services.store.collection(apps).updateOne({ id: first!.key }, { name: 'Lunch, "daily"\nmenu' })
    await world.services.store.collection(apps).updateOne({ id: second!.key }, { name: "=HYPERLINK(1)" })

    const response = await get()
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8")
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="usage-by-app-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv"$/)
    const text = await response.text()
    expect(text.endsWith("\r\n")).toBe(true)
    const [header, ...rest] = parseCsv(text)
    expect(header).toEqual(["key", "label", "runs", "input_tokens", "output_tokens", "cached_input_tokens", "cost_usd", "cost_estimated"])
    const totalsRow = rest.at(-1)!
    const rows = rest.slice(0, -1)

    const summary = await world.caller(world.people.admin).usage.summary({ workspaceId: world.workspaceId, groupBy: "app" })
    expect(totalsRow).toEqual(["", "Total", ...figures(summary.totals)])
    expect(rows).toEqual(summary.rows.map((row) => [row.key, row.label.startsWith("=") ? `'${row.label}` : row.label, ...figures(row)]))
    expect(rows.map((row) => row[1])).toContain('Lunch, "daily"\nmenu')
    expect(rows.map((row) => row[1])).toContain("'=HYPERLINK(1)")
    // Added up from the file, the rows make the totals.
    expect(rows.reduce((total, row) => total + Number(row[2]), 0)).toBe(summary.totals.runs)
    expect(rows.reduce((total, row) => total + Number(row[3]), 0)).toBe(summary.totals.inputTokens)
    expect(Math.abs(rows.reduce((total, row) => total + Number(row[6]), 0) - summary.totals.costUsd)).toBeLessThan(1e-5)
  })

  it("answers parameters it cannot read with a 400 that says what to fix, and members with a 403", async () => {
    const bad = await get(world.people.admin, "groupBy=week")
    expect(bad.status).toBe(400)
    expect(await bad.text()).toMatch(/groupBy/)
    const range = await get(world.people.admin, "groupBy=day&from=2026-13-01")
    expect(range.status).toBe(400)
    expect(await range.text()).toMatch(/from must be a day written yyyy-mm-dd/)
    expect((await get(world.people.creator)).status).toBe(403)
  })
})

const figures = (row: { runs: number; inputTokens: number; outputTokens: number; cachedInputTokens: number; costUsd: number; estimated: boolean }) => [
  String(row.runs),
  String(row.inputTokens),
  String(row.outputTokens),
  String(row.cachedInputTokens),
  row.costUsd.toFixed(6),
  row.estimated ? "yes" : "no",
]
