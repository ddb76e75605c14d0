// Usage of a real builder run: the built Second with the real Claude Code against the scripted
// fake model (which reports 10 input and 5 output tokens for every call). The usage stored for the
// run is what the runtime reported (tokens and cost), summary and CSV agree with it to the token
// and the micro-dollar. Needs the build (`npm run build`).

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { usageRecords } from "#app/usage/usage-collections.server.ts"
import { eventuallyValue } from "#tests/fixtures/eventually.ts"
import { FAKE_API_KEY } from "#tests/fixtures/fake-model/cli-env.ts"
import { startFakeModel, type FakeModel } from "#tests/fixtures/fake-model/server.ts"
import { HttpPerson } from "#tests/fixtures/http-person.ts"
import { startSecond, type SecondServer } from "#tests/fixtures/second-server.ts"
import { followRun } from "#tests/fixtures/sse-client.ts"
import { parseCsv } from "./csv.ts"

type UsagePart = { kind: "usage"; inputTokens: number; outputTokens: number; cachedInputTokens: number | null; costUsd: number | null }
type Run = { id: string; status: string; transcript: ({ kind: string } | UsagePart)[] }
type Figures = { runs: number; inputTokens: number; outputTokens: number; cachedInputTokens: number; costUsd: number; estimated: boolean }
type Summary = { rows: (Figures & { key: string; label: string })[]; totals: Figures }

let fake: FakeModel
let second: SecondServer
let owner: HttpPerson
let workspaceId: string

beforeAll(async () => {
  fake = await startFakeModel()
  second = await startSecond({ ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: FAKE_API_KEY })
  owner = await new HttpPerson(second.url).signIn("owner@example.com", "Olive Owner")
  workspaceId = (await owner.must<{ id: string }>("mutation", "workspaces.create", { name: "Usage" })).id
}, 120_000)

afterAll(async () => {
  await second?.stop()
  await fake?.stop()
})

const roundUsd = (usd: number) => Math.round(usd * 1e6) / 1e6

describe("a scripted builder run's usage", () => {
  it("is stored as Claude Code reported it, and the summary and the CSV say the same", { timeout: 120_000 }, async () => {
    fake.script([{ kind: "writeFile", path: "index.html", content: "<h1>Usage</h1>", then: "Done." }])
    const created = await owner.must<{ app: { id: string }; run: { id: string } }>("mutation", "apps.create", { workspaceId, prompt: "Build a usage page", runtime: "claude" })
    await followRun(owner, created.run.id)
    const run = await eventuallyValue(async () => {
      const { runs } = await owner.must<{ runs: Run[] }>("query", "runs.list", { workspaceId, appId: created.app.id })
      return runs.find((candidate) => candidate.id === created.run.id && candidate.status !== "running")
    }, 60_000)
    expect(run.status).toBe("completed")

    // What the runtime reported, as the run's transcript keeps it.
    const reports = run.transcript.filter((part): part is UsagePart => part.kind === "usage")
    expect(reports.length).toBeGreaterThan(0)
    const reported = {
      inputTokens: reports.reduce((sum, report) => sum + report.inputTokens, 0),
      outputTokens: reports.reduce((sum, report) => sum + report.outputTokens, 0),
      cachedInputTokens: reports.reduce((sum, report) => sum + (report.cachedInputTokens ?? 0), 0),
      costUsd: roundUsd(reports.reduce((sum, report) => sum + (report.costUsd ?? 0), 0)),
    }
    // Every call the fake model answered reported 10 in and 5 out: the run's figures are whole calls of them.
    const calls = reported.inputTokens / 10
    expect(Number.isInteger(calls) && calls >= fake.scriptedRequests().length && calls <= fake.requests.length).toBe(true)
    expect(reported.outputTokens).toBe(calls * 5)
    expect(reported.costUsd).toBeGreaterThan(0)

    const store = await second.openStore()
    try {
      const stored = await store.collection(usageRecords).findMany({ runId: created.run.id })
      expect(stored).toHaveLength(1)
      expect(stored[0]).toMatchObject({ workspaceId, appId: created.app.id, runKind: "builder", runtime: "claude", costSource: "runtime", ...reported })
    } finally {
      await store.close()
    }

    const summary = await owner.must<Summary>("query", "usage.summary", { workspaceId, groupBy: "person" })
    expect(summary.totals).toEqual({ runs: 1, ...reported, estimated: false })
    expect(summary.rows).toEqual([{ key: expect.any(String), label: "Olive Owner", ...summary.totals }])

    const csv = await owner.request(`/api/w/${workspaceId}/usage.csv?groupBy=person`)
    expect(csv.status).toBe(200)
    expect(csv.headers.get("content-disposition")).toMatch(/^attachment; filename=".+\.csv"$/)
    const [header, row, total, ...rest] = parseCsv(await csv.text())
    expect(rest).toEqual([])
    expect(header).toEqual(["key", "label", "runs", "input_tokens", "output_tokens", "cached_input_tokens", "cost_usd", "cost_estimated"])
    const figures = [String(1), String(reported.inputTokens), String(reported.outputTokens), String(reported.cachedInputTokens), reported.costUsd.toFixed(6), "no"]
    expect(row).toEqual([summary.rows[0]!.key, "Olive Owner", ...figures])
    expect(total).toEqual(["", "Total", ...figures])
  })
})
