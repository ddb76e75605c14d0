// The MCP broker over real HTTP, spoken to by the MCP SDK's own client: a run token opens exactly
// its grant for exactly its turn, and every misuse — no token, a wrong one, an expired one, one
// used after its turn, one of an app whose turn is not running, the internal token, a tool the
// token does not grant — is refused with nothing run. The web behind the web-answered tools is a
// plain HTTP server that records what reaches it.

import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { BROKER_INTERNAL_TOKEN as INTERNAL_TOKEN, startBroker, type Broker } from "#tests/fixtures/mcp-broker.ts"
import type { McpGrant } from "./McpTokens.ts"

const PLAN = { title: "Lunch spots", overview: "A list of places.", features: [{ name: "List", description: "Shows the places." }], dataFlow: "Kept in the app." }

let broker: Broker
let origin: string
const webCalls = () => broker.webCalls

beforeAll(async () => {
  broker = await startBroker()
  origin = broker.origin
}, 30_000)

afterAll(async () => {
  await broker?.close()
})

const grant = (appId: string, tools: readonly string[] = ["present_plan", "set_app_metadata", "done_building"]): McpGrant => ({
  workspaceId: "ws-broker",
  appId,
  runtime: "claude",
  tools: { second: tools },
})

const mint = (of: McpGrant) => broker.mint(of)
const startTurn = (appId: string, runId: string, expiresAt?: number) => broker.startTurn(appId, runId, expiresAt)
const connect = (token: string | null, toolSet?: string) => broker.connect(token, toolSet)

/** A raw MCP initialize, for what a client library would hide. */
const initialize = (token: string | null, path = "/mcp/second") =>
  fetch(`${origin}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } }),
  })

/** The text of a tool result's first content block. */
const textOf = (result: Record<string, unknown>): string => {
  const [first] = Array.isArray(result["content"]) ? (result["content"] as unknown[]) : []
  return typeof first === "object" && first !== null && "text" in first && typeof first.text === "string" ? first.text : ""
}

describe("a run token during its turn", () => {
  it("lists exactly its tools and runs them; web-answered ones reach the web with the run's claims", async () => {
    const token = await mint(grant("app-ok"))
    const end = await startTurn("app-ok", "run-ok")
    const client = await connect(token)
    const { tools } = await client.listTools()
    expect(tools.map((tool) => tool.name)).toEqual(["present_plan", "set_app_metadata", "done_building"])
    expect(tools[0]?.inputSchema).toMatchObject({ type: "object", required: ["title", "overview", "features", "dataFlow"] })

    const presented = await client.callTool({ name: "present_plan", arguments: PLAN })
    expect(presented.isError).toBe(false)
    expect(JSON.parse(textOf(presented))).toMatchObject({ ok: true, status: "presented" })

    const before = webCalls().length
    const named = await client.callTool({ name: "set_app_metadata", arguments: { name: "Lunch", description: "Where we eat." } })
    expect(JSON.parse(textOf(named))).toEqual({ nameApplied: true, name: "Lunch", description: "Where we eat." })
    expect(webCalls().slice(before)).toEqual([
      {
        authorization: `Bearer ${INTERNAL_TOKEN}`,
        body: {
          claims: { workspaceId: "ws-broker", appId: "app-ok", runId: "run-ok", runtime: "claude" },
          toolSet: "second",
          tool: "set_app_metadata",
          input: { name: "Lunch", description: "Where we eat." },
        },
      },
    ])
    await client.close()
    await end()
  })

  it("serves the app_data tool set to a token that grants it, passing the collections the app's second.json declares", async () => {
    const token = await mint({ ...grant("app-data"), tools: { app_data: ["list_documents", "insert_document"] } })
    const end = await startTurn("app-data", "run-data")
    const workdir = join(broker.workspacesDir, "apps", "app-data")
    mkdirSync(workdir, { recursive: true })
    writeFileSync(join(workdir, "second.json"), JSON.stringify({ dataCollections: ["todos", "bad name", 7, "todos", "notes"] }))
    const client = await connect(token, "app_data")
    const { tools } = await client.listTools()
    expect(tools.map((tool) => tool.name)).toEqual(["list_documents", "insert_document"])
    const before = webCalls().length
    const inserted = await client.callTool({ name: "insert_document", arguments: { collection: "todos", data: { title: "Buy milk" } } })
    expect(inserted.isError).toBe(false)
    expect(JSON.parse(textOf(inserted))).toEqual({ echo: { collection: "todos", data: { title: "Buy milk" } } })
    expect(webCalls().slice(before)).toEqual([
      {
        authorization: `Bearer ${INTERNAL_TOKEN}`,
        body: {
          claims: { workspaceId: "ws-broker", appId: "app-data", runId: "run-data", runtime: "claude" },
          toolSet: "app_data",
          tool: "insert_document",
          declaredCollections: ["todos", "notes"],
          input: { collection: "todos", data: { title: "Buy milk" } },
        },
      },
    ])
    // A collection name the contract refuses never reaches the web; nor does a tool not granted.
    const refused = await client.callTool({ name: "insert_document", arguments: { collection: "../x", data: {} } })
    expect(refused.isError).toBe(true)
    expect(textOf(refused)).toMatch(/does not match insert_document's schema/)
    const notGranted = await client.callTool({ name: "delete_document", arguments: { collection: "todos", id: "x" } })
    expect(notGranted.isError).toBe(true)
    expect(webCalls().length).toBe(before + 1)
    // The same token does not open the builder's own tool set, which it was not granted.
    expect((await initialize(token, "/mcp/second")).status).toBe(401)
    await client.close()
    await end()
  })

  it("presents the agents.json in the app's directory, or says what to fix in it, without asking the web", async () => {
    const token = await mint(grant("app-agents", ["present_agents", "present_integration_setup"]))
    const end = await startTurn("app-agents", "run-agents")
    const workdir = join(broker.workspacesDir, "apps", "app-agents")
    mkdirSync(workdir, { recursive: true })
    const client = await connect(token)
    const before = webCalls().length

    const missing = await client.callTool({ name: "present_agents", arguments: {} })
    expect(missing.isError).toBe(true)
    expect(textOf(missing)).toMatch(/^Write agents\.json first/)

    const agents = { agents: [{ id: "greeter", name: "Greeter", description: "Says hello.", systemPrompt: "Greet the person.", tools: [] }] }
    writeFileSync(join(workdir, "agents.json"), JSON.stringify({ agents: [{ ...agents.agents[0], id: "No Good" }] }))
    const invalid = await client.callTool({ name: "present_agents", arguments: {} })
    expect(invalid.isError).toBe(true)
    expect(textOf(invalid)).toMatch(/^agents\[0\]\.id: /m)

    writeFileSync(join(workdir, "agents.json"), JSON.stringify(agents))
    const presented = await client.callTool({ name: "present_agents", arguments: {} })
    expect(presented.isError).toBe(false)
    const result = JSON.parse(textOf(presented))
    expect(result).toMatchObject({ ok: true, status: "presented", hash: expect.stringMatching(/^v1:[0-9a-f]{64}$/), summary: { agents: [{ id: "greeter", name: "Greeter" }] } })
    expect(result.next).toMatch(/^Stop here/)

    const setup = await client.callTool({ name: "present_integration_setup", arguments: {} })
    expect(setup.isError).toBe(true)
    expect(textOf(setup)).toMatch(/^Write integration-setup\.json first/)
    expect(webCalls().length).toBe(before)
    await client.close()
    await end()
  })

  it("presents a valid integration-setup.json only once the web recorded it as the app's keys, and says so when it could not", async () => {
    const setup = {
      integrations: [
        {
          name: "Helpdesk",
          domain: "api.helpdesk.example.com",
          keyName: "Helpdesk key",
          capabilityLabel: "Read tickets",
          why: "The triage agent reads tickets.",
          permissionGroups: [],
          secrets: [{ name: "HELPDESK_API_KEY", label: "API key", description: "From the admin console.", required: true }],
          auth: { type: "static" },
          setupInstructions: { overview: "Create a key.", steps: [], links: [] },
        },
      ],
    }
    for (const appId of ["app-setup", "refused-setup"]) {
      mkdirSync(join(broker.workspacesDir, "apps", appId), { recursive: true })
      writeFileSync(join(broker.workspacesDir, "apps", appId, "integration-setup.json"), JSON.stringify(setup))
    }

    const token = await mint(grant("app-setup", ["present_integration_setup"]))
    const end = await startTurn("app-setup", "run-setup")
    const client = await connect(token)
    const before = webCalls().length
    const presented = await client.callTool({ name: "present_integration_setup", arguments: {} })
    expect(presented.isError).toBe(false)
    expect(JSON.parse(textOf(presented))).toMatchObject({
      ok: true,
      status: "presented",
      summary: { integrations: [{ domain: "api.helpdesk.example.com", keySlug: "default", authType: "static" }] },
      synced: { upserted: 1, deleted: 0, keys: ["api.helpdesk.example.com default"] },
    })
    // The web got the setup as validated, with the run's claims, under the internal token.
    expect(webCalls().slice(before)).toEqual([
      {
        authorization: `Bearer ${INTERNAL_TOKEN}`,
        body: { claims: { workspaceId: "ws-broker", appId: "app-setup", runId: "run-setup", runtime: "claude" }, toolSet: "second", tool: "sync_integration_setup", input: { setup } },
      },
    ])
    await client.close()
    await end()

    // The web refuses (the run ended meanwhile): an error the turn goes on after, never a presented card.
    const refusedToken = await mint(grant("refused-setup", ["present_integration_setup"]))
    const endRefused = await startTurn("refused-setup", "run-refused")
    const refusedClient = await connect(refusedToken)
    const refused = await refusedClient.callTool({ name: "present_integration_setup", arguments: {} })
    expect(refused.isError).toBe(true)
    expect(textOf(refused)).toBe(
      "integration-setup.json is valid, but Second could not record it as the app's integration keys: This run cannot call tools now. Call present_integration_setup again in a moment.",
    )
    await refusedClient.close()
    await endRefused()
  })

  it("answers a call that does not match the tool's schema with a tool error saying what is wrong", async () => {
    const token = await mint(grant("app-bad-input"))
    const end = await startTurn("app-bad-input", "run-bad-input")
    const client = await connect(token)
    const before = webCalls().length
    const result = await client.callTool({ name: "set_app_metadata", arguments: { name: "" } })
    expect(result.isError).toBe(true)
    expect(textOf(result)).toMatch(/does not match set_app_metadata's schema/)
    expect(textOf(result)).toMatch(/\["name"\]/)
    expect(textOf(result)).toMatch(/\["description"\]/)
    expect(webCalls().length).toBe(before)
    await client.close()
    await end()
  })
})

describe("refused, with nothing run", () => {
  it("no token, a wrong token, the internal token, a token of another shape", async () => {
    const token = await mint(grant("app-refusals"))
    const end = await startTurn("app-refusals", "run-refusals")
    const [id] = token.split(".")
    for (const presented of [null, "wrong", `${id}.wrong`, `${token}x`, INTERNAL_TOKEN]) {
      const response = await initialize(presented)
      expect(response.status).toBe(401)
      expect(await response.json()).toEqual({ error: { code: "unauthorized", message: "Send Authorization: Bearer <this run's MCP token>." } })
    }
    await expect(connect(null)).rejects.toThrow()
    await end()
  })

  it("a token whose turn has ended (revoked at turn end), and one whose turn has not started", async () => {
    const token = await mint(grant("app-after"))
    expect((await initialize(token)).status).toBe(401)
    const end = await startTurn("app-after", "run-after")
    const client = await connect(token)
    await end()
    const before = webCalls().length
    await expect(client.callTool({ name: "set_app_metadata", arguments: { name: "Late", description: "Too late." } })).rejects.toThrow(/unauthorized/)
    expect((await initialize(token)).status).toBe(401)
    expect(webCalls().length).toBe(before)
  })

  it("an expired token", async () => {
    const token = await mint(grant("app-expired"))
    const end = await startTurn("app-expired", "run-expired", Date.now() - 1)
    expect((await initialize(token)).status).toBe(401)
    await end()
  })

  it("another app's token: worthless while that app has no turn, and only ever that app's run when it has", async () => {
    const mine = await mint(grant("app-mine"))
    const theirs = await mint(grant("app-theirs"))
    const end = await startTurn("app-mine", "run-mine")
    expect((await initialize(theirs)).status).toBe(401)
    const endTheirs = await startTurn("app-theirs", "run-theirs")
    const client = await connect(theirs)
    const before = webCalls().length
    await client.callTool({ name: "set_app_metadata", arguments: { name: "Theirs", description: "Not mine." } })
    expect(webCalls().slice(before).map((call) => call.body.claims)).toEqual([
      { workspaceId: "ws-broker", appId: "app-theirs", runId: "run-theirs", runtime: "claude" },
    ])
    await client.close()
    expect((await initialize(mine)).status).toBe(200)
    await Promise.all([end(), endTheirs()])
  })

  it("a tool the token does not grant: not listed, and calling it runs nothing", async () => {
    const token = await mint(grant("app-narrow", ["present_plan"]))
    const end = await startTurn("app-narrow", "run-narrow")
    const client = await connect(token)
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(["present_plan"])
    const before = webCalls().length
    for (const name of ["set_app_metadata", "no_such_tool"]) {
      const result = await client.callTool({ name, arguments: { name: "X", description: "Y" } })
      expect(result.isError).toBe(true)
      expect(textOf(result)).toMatch(/is not available to this run/)
    }
    expect(webCalls().length).toBe(before)
    await client.close()
    await end()
  })

  it("a tool set the token does not grant, and paths that try to leave /mcp/ for the worker's other routes", async () => {
    const token = await mint(grant("app-paths"))
    const end = await startTurn("app-paths", "run-paths")
    expect((await initialize(token, "/mcp/app_data")).status).toBe(401)
    for (const path of ["/mcp/../sessions/app-paths/status", "/mcp/%2e%2e/sessions/app-paths/status", "/sessions/app-paths/status", "/mcp/second/../../runtimes"]) {
      const response = await fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${token}` } })
      expect(response.status, path).toBeGreaterThanOrEqual(400)
      expect(response.status, path).toBeLessThan(500)
      expect(response.status, path).not.toBe(200)
    }
    await end()
  })

  it("a stream (GET) or a session end (DELETE): 405 to a valid token, as a stateless endpoint answers; 401 to anyone else", async () => {
    const token = await mint(grant("app-methods"))
    const end = await startTurn("app-methods", "run-methods")
    for (const method of ["GET", "DELETE"]) {
      const allowed = await fetch(`${origin}/mcp/second`, { method, headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" } })
      expect(allowed.status, method).toBe(405)
      expect(allowed.headers.get("allow")).toBe("POST")
      expect((await fetch(`${origin}/mcp/second`, { method })).status, method).toBe(401)
    }
    await end()
  })

  it("a malformed body from a valid token gets a 4xx, not a 5xx", async () => {
    const token = await mint(grant("app-malformed"))
    const end = await startTurn("app-malformed", "run-malformed")
    // (An empty batch holds no request, and is accepted as such: 202.)
    for (const body of ["{", "[]", JSON.stringify({ jsonrpc: "2.0" }), "x".repeat(2 * 1024 * 1024)]) {
      const response = await fetch(`${origin}/mcp/second`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
        body,
      })
      if (body !== "[]") expect(response.status, body.slice(0, 20)).toBeGreaterThanOrEqual(400)
      expect(response.status, body.slice(0, 20)).toBeLessThan(500)
    }
    await end()
  })
})
