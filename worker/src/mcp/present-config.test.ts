// present_agents and present_integration_setup against real files in a real app directory: a
// valid agents.json is presented with its canonical hash and summary; a missing, invalid, linked
// or oversized one is a tool error that says what to fix; and an errored present_agents (as each
// runtime names it) does not end the turn, where a presented one does.

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { afterAll, beforeEach } from "vitest"
import { Effect, Stream } from "effect"
import { AGENTS_CONFIG_LIMITS, type AgentsConfig } from "#shared/agents/agents-config.ts"
import { summarizeAgents } from "#shared/agents/agents-summary.ts"
import { agentsConfigHash } from "#shared/agents/canonical-hash.ts"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { claudeToolName, codexMcpToolName, opencodeToolName } from "../runtime/protocol/mcp-tool-names.ts"
import { endAtApprovalStop } from "../runtime/turn-pipeline.ts"
import { presentAgents, readAppConfigFile, readIntegrationSetup } from "./present-config.ts"

const VALID_AGENTS = {
  agents: [
    {
      id: "ticket-triage",
      name: "Ticket triage",
      description: "Labels new tickets.",
      systemPrompt: "You triage support tickets.",
      dataCollections: ["drafts"],
      tools: [
        {
          type: "custom",
          name: "get_ticket",
          description: "Fetches one ticket.",
          integration: { name: "Helpdesk", domain: "api.helpdesk.example.com", auth: { type: "static" } },
          endpoint: {
            method: "GET",
            url: "https://api.helpdesk.example.com/v2/tickets/{{input.ticketId}}",
            headers: { "X-Api-Key": "{{secrets.HELPDESK_API_KEY}}" },
          },
          input: { ticketId: { type: "string", required: true } },
          mockData: [{ id: "T-1", subject: "Cannot log in" }],
        },
      ],
    },
  ],
} satisfies AgentsConfig

const root = mkdtempSync(join(tmpdir(), "second-present-"))
let workdir = ""
let count = 0

beforeEach(() => {
  count += 1
  workdir = join(root, "apps", `app-${count}`)
  mkdirSync(workdir, { recursive: true })
  writeFileSync(join(workdir, "second.json"), JSON.stringify({ dataCollections: ["drafts"] }))
})

afterAll(() => rmSync(root, { recursive: true, force: true }))

const write = (name: string, value: unknown) => writeFileSync(join(workdir, name), typeof value === "string" ? value : JSON.stringify(value, null, 2))

describe("present_agents", () => {
  it("presents a valid agents.json: its canonical hash and summary, and a word to stop", () => {
    write("agents.json", VALID_AGENTS)
    const answer = presentAgents(workdir)
    expect(answer.isError).toBe(false)
    const result = JSON.parse(answer.text)
    expect(result).toEqual({
      ok: true,
      status: "presented",
      hash: agentsConfigHash(VALID_AGENTS),
      summary: JSON.parse(JSON.stringify(summarizeAgents(VALID_AGENTS))),
      next: expect.stringMatching(/^Stop here: the person reviews the agents/),
    })
    expect(result.hash).toMatch(/^v1:[0-9a-f]{64}$/)
    expect(result.summary.agents.map((agent: { id: string }) => agent.id)).toEqual(["ticket-triage"])
  })

  it("asks for the file, with its format, when there is none", () => {
    const answer = presentAgents(workdir)
    expect(answer.isError).toBe(true)
    expect(answer.text).toMatch(/^Write agents\.json first \(format: \{ "agents"/)
  })

  it("lists every problem at its JSON path and says to fix the file and call again", () => {
    const broken = structuredClone(VALID_AGENTS) as { agents: Array<Record<string, unknown> & { tools: Array<Record<string, unknown>> }> }
    broken.agents[0]!["id"] = "Ticket Triage"
    broken.agents[0]!.tools[0]!["mockData"] = []
    write("agents.json", broken)
    const answer = presentAgents(workdir)
    expect(answer.isError).toBe(true)
    expect(answer.text).toMatch(/^agents\.json has problems:\n/)
    expect(answer.text).toMatch(/^agents\[0\]\.id: /m)
    expect(answer.text).toMatch(/^agents\[0\]\.tools\[0\]\.mockData: /m)
    expect(answer.text).toMatch(/Fix agents\.json and call present_agents again\.$/)
  })

  it("checks an agent's data collections against the app's second.json", () => {
    write("agents.json", { agents: [{ ...VALID_AGENTS.agents[0], dataCollections: ["drafts", "tickets"] }] })
    const answer = presentAgents(workdir)
    expect(answer.isError).toBe(true)
    expect(answer.text).toMatch(/^agents\[0\]\.dataCollections\[1\]: "tickets" .*second\.json/m)
    expect(answer.text).not.toMatch(/dataCollections\[0\]/)
  })

  it("says where JSON that does not parse goes wrong", () => {
    write("agents.json", '{ "agents": [ }')
    const answer = presentAgents(workdir)
    expect(answer.isError).toBe(true)
    expect(answer.text).toMatch(/^\$: agents\.json is not valid JSON/m)
  })

  it("never follows a symbolic link, inside the app's directory or out of it", () => {
    const outside = join(root, "outside.json")
    writeFileSync(outside, JSON.stringify(VALID_AGENTS))
    symlinkSync(outside, join(workdir, "agents.json"))
    expect(presentAgents(workdir)).toEqual({ isError: true, text: "agents.json is a symbolic link; write it as a regular file in the app's directory." })
    rmSync(join(workdir, "agents.json"))
    write("real.json", VALID_AGENTS)
    symlinkSync("real.json", join(workdir, "agents.json"))
    expect(presentAgents(workdir).isError).toBe(true)
  })

  it("refuses a file over the size limit without reading it all, and a directory in its place", () => {
    write("agents.json", " ".repeat(AGENTS_CONFIG_LIMITS.fileBytes + 1))
    expect(presentAgents(workdir)).toEqual({ isError: true, text: "agents.json is larger than 256 KiB; make it smaller." })
    rmSync(join(workdir, "agents.json"))
    mkdirSync(join(workdir, "agents.json"))
    expect(presentAgents(workdir).text).toMatch(/agents\.json is not a regular file/)
  })

  it("reads a second.json that is a link as declaring no collections", () => {
    write("agents.json", VALID_AGENTS)
    rmSync(join(workdir, "second.json"))
    writeFileSync(join(root, "manifest.json"), JSON.stringify({ dataCollections: ["drafts"] }))
    symlinkSync(join(root, "manifest.json"), join(workdir, "second.json"))
    const answer = presentAgents(workdir)
    expect(answer.isError).toBe(true)
    expect(answer.text).toMatch(/^agents\[0\]\.dataCollections\[0\]: /m)
  })
})

describe("readAppConfigFile", () => {
  it("reads only a plain file name in the app's directory", () => {
    expect(readAppConfigFile(join(root, "no-such-app"), "agents.json", 10)).toEqual({ kind: "missing" })
    expect(() => readAppConfigFile(workdir, "../agents.json", 10)).toThrow()
    write("agents.json", "0123456789")
    expect(readAppConfigFile(workdir, "agents.json", 10)).toEqual({ kind: "text", text: "0123456789" })
    expect(readAppConfigFile(workdir, "agents.json", 9)).toMatchObject({ kind: "refused" })
  })
})

describe("present_integration_setup", () => {
  const presentIntegrationSetup = (directory: string) => {
    const read = readIntegrationSetup(directory)
    if (read.ok) throw new Error("expected a refusal")
    return read.answer
  }

  it("asks for the file, with its format, when there is none", () => {
    const answer = presentIntegrationSetup(workdir)
    expect(answer.isError).toBe(true)
    expect(answer.text).toMatch(/^Write integration-setup\.json first \(format: \{ "integrations"/)
  })

  it("lists a broken file's problems at their JSON paths", () => {
    write("integration-setup.json", { integrations: [{ name: "" }] })
    const answer = presentIntegrationSetup(workdir)
    expect(answer.isError).toBe(true)
    expect(answer.text).toMatch(/^integration-setup\.json has problems:\n/)
    expect(answer.text).toMatch(/^integrations\[0\]\./m)
    expect(answer.text).toMatch(/Fix integration-setup\.json and call present_integration_setup again\.$/)
  })
})

describe("an errored present_agents does not end the turn; a presented one does", () => {
  const started = (callId: string, name: string): RunEvent => ({ type: "tool.started", callId, name, input: {} })
  const result = (callId: string, isError: boolean): RunEvent => ({ type: "tool.result", callId, output: isError ? "agents.json has problems" : "{}", isError })
  const text = (value: string): RunEvent => ({ type: "text.delta", text: value })
  const done: RunEvent = { type: "turn.completed", outcome: "completed" }

  for (const name of [claudeToolName("mcp__second__present_agents"), codexMcpToolName("second", "present_agents"), opencodeToolName("second_present_integration_setup")]) {
    it.effect(`as ${name}`, () =>
      Effect.gen(function* () {
        const turn = Stream.make(started("a1", name), result("a1", true), text("fixing"), started("a2", name), result("a2", false), text("after"), done)
        expect(yield* Stream.runCollect(endAtApprovalStop(turn))).toEqual([
          started("a1", name),
          result("a1", true),
          text("fixing"),
          started("a2", name),
          result("a2", false),
          done,
        ])
      }))
  }
})
