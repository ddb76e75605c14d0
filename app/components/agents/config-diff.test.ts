import { describe, expect, it } from "vitest"
import { configDiff, configLines, foldUnchanged } from "./config-diff.ts"

const same = (text: string) => ({ kind: "same" as const, text })

describe("changes since approval", () => {
  it("lays canonical JSON out one value per line, keeping its key order", () => {
    expect(configLines('{"agents":[{"id":"triage","name":"Triage"}]}')).toBe(
      '{\n  "agents": [\n    {\n      "id": "triage",\n      "name": "Triage"\n    }\n  ]\n}\n',
    )
    expect(configLines(null)).toBe("")
  })

  it("shows a changed URL as one removed and one added line, with the lines around it", () => {
    const tool = (url: string) => ({ agents: [{ id: "triage", tools: [{ name: "list_tickets", endpoint: { method: "GET", url } }] }] })
    const { rows, stats } = configDiff(JSON.stringify(tool("https://api.acme.com/v1/tickets")), tool("https://evil.example/tickets"))
    expect(stats).toEqual({ added: 1, removed: 1 })
    expect(rows.filter((row) => row.kind === "remove" || row.kind === "add")).toEqual([
      { kind: "remove", text: `${" ".repeat(12)}"url": "https://api.acme.com/v1/tickets"` },
      { kind: "add", text: `${" ".repeat(12)}"url": "https://evil.example/tickets"` },
    ])
  })

  it("says everything is new when nothing was approved, and everything is gone when the file was removed", () => {
    expect(configDiff(null, { agents: [] }).stats).toEqual({ added: 3, removed: 0 })
    expect(configDiff({ agents: [] }, null).stats).toEqual({ added: 0, removed: 3 })
  })

  it("folds long unchanged runs into a count, keeping three lines of context beside each change", () => {
    const lines = [...Array.from({ length: 10 }, (_, i) => same(`a${i}`)), { kind: "add" as const, text: "new" }, ...Array.from({ length: 10 }, (_, i) => same(`b${i}`))]
    expect(foldUnchanged(lines)).toEqual([
      { kind: "fold", count: 7 },
      same("a7"),
      same("a8"),
      same("a9"),
      { kind: "add", text: "new" },
      same("b0"),
      same("b1"),
      same("b2"),
      { kind: "fold", count: 7 },
    ])
  })

  it("never folds a single line away: it shows it instead of saying “1 unchanged line”", () => {
    const lines = [{ kind: "add" as const, text: "x" }, ...Array.from({ length: 7 }, (_, i) => same(`s${i}`)), { kind: "remove" as const, text: "y" }]
    expect(foldUnchanged(lines).some((row) => row.kind === "fold")).toBe(false)
  })
})
