import { describe, expect, it } from "vitest"
import type { AgentsConfig } from "./agents-config.ts"
import { exampleAgentsConfig, type LooseJson } from "./agents-config.fixture.ts"
import { agentsConfigHash, CANONICAL_JSON_MAX_DEPTH, canonicalJson, effectiveAgentsConfig, JsonTooDeepError } from "./canonical-hash.ts"
import { validateAgentsConfig } from "./validate-agents-config.ts"

/** The hash of a configuration as validation hands it over (so tests hash what the platform hashes). */
function hashOf(input: unknown): string {
  const result = validateAgentsConfig(input)
  if (!result.ok) throw new Error(result.problems.map((problem) => `${problem.path}: ${problem.message}`).join("\n"))
  return agentsConfigHash(result.config)
}

const changed = (change: (config: LooseJson) => void) => {
  const config = exampleAgentsConfig()
  change(config)
  return config
}

/** Rebuilds every object with its keys in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys)
  if (value === null || typeof value !== "object") return value
  return Object.fromEntries(Object.entries(value).reverse().map(([key, item]) => [key, reversedKeys(item)]))
}

describe("canonicalJson", () => {
  it("sorts keys, drops undefined members, keeps array order, no whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, { z: null, y: "é" }], c: undefined } })).toBe('{"a":{"d":[3,1,{"y":"é","z":null}]},"b":1}')
    expect(canonicalJson([undefined, "x"])).toBe('[null,"x"]')
    expect(canonicalJson("a\"b")).toBe('"a\\"b"')
  })

  it("throws its own typed error, never a stack overflow, for a value nested deeper than any valid configuration", () => {
    let deep: unknown = 1
    for (let level = 0; level < 20_000; level += 1) deep = [deep]
    expect(() => canonicalJson({ mockData: deep })).toThrow(JsonTooDeepError)
    let allowed: unknown = 1
    for (let level = 0; level < CANONICAL_JSON_MAX_DEPTH; level += 1) allowed = [allowed]
    expect(canonicalJson(allowed)).toBe(`${"[".repeat(CANONICAL_JSON_MAX_DEPTH)}1${"]".repeat(CANONICAL_JSON_MAX_DEPTH)}`)
  })
})

describe("agentsConfigHash", () => {
  const base = hashOf(exampleAgentsConfig())

  it("is versioned sha256 hex", () => {
    expect(base).toMatch(/^v1:[0-9a-f]{64}$/)
  })

  it("does not move for key order, whitespace, UI-only fields, defaults written out, or disabled tools", () => {
    expect(hashOf(JSON.stringify(reversedKeys(exampleAgentsConfig()), null, 4))).toBe(base)
    const same = changed((config) => {
      const tool = config.agents[0].tools[0]
      tool.recommended = false
      tool.displayName = "Fetch one ticket"
      tool.integration.setupSearchQuery = "zendesk api token"
      tool.integration.keySlug = "default"
      tool.enabled = true
      tool.endpoint.queryParams = {}
      tool.input.ticketId.description = "The ticket's id."
      config.appTools[1].input.title.required = true
      config.appTools[0].input.limit.required = false
      config.agents[1].dataCollections = []
      config.agents[1].tools[0].recommended = true
      config.agents[0].tools.push({ ...structuredClone(tool), name: "get_ticket_draft", enabled: false })
      config.appTools[0].integration.auth.authorizationParams = {}
    })
    expect(hashOf(same)).toBe(base)
  })

  it("does not move when the only appTool list is empty or absent", () => {
    const withEmpty = changed((config) => (config.appTools = []))
    const without = changed((config) => delete config.appTools)
    expect(hashOf(withEmpty)).toBe(hashOf(without))
  })

  it("moves for every effective change", () => {
    const changes: Record<string, (config: LooseJson) => void> = {
      url: (config) => (config.agents[0].tools[0].endpoint.url += "/comments"),
      method: (config) => (config.appTools[1].endpoint.method = "PUT"),
      parameter: (config) => (config.agents[0].tools[0].input.ticketId.type = "integer"),
      required: (config) => (config.appTools[0].input.limit.required = true),
      systemPrompt: (config) => (config.agents[0].systemPrompt += " Be brief."),
      dataCollections: (config) => config.agents[0].dataCollections.push("notes"),
      mockData: (config) => (config.agents[0].tools[0].mockData[0].subject = "Printer fine"),
      scopes: (config) => config.appTools[0].integration.auth.scopes.push("openid"),
      keySlug: (config) => (config.agents[0].tools[0].integration.keySlug = "support"),
      enabling: (config) => (config.agents[1].tools[0].enabled = false),
      body: (config) => (config.appTools[1].endpoint.body.draft = true),
      header: (config) => (config.agents[0].tools[0].endpoint.headers.Accept = "text/plain"),
      toolOrder: (config) => config.agents[1].tools.reverse(),
    }
    const hashes = new Set([base])
    for (const [name, change] of Object.entries(changes)) {
      const hash = hashOf(changed(change))
      expect(hash, name).not.toBe(base)
      hashes.add(hash)
    }
    expect(hashes.size).toBe(Object.keys(changes).length + 1)
  })

  it("reads its own effective form back to the same hash (so an approved payload can be stored effective)", () => {
    const config = validateAgentsConfig(exampleAgentsConfig())
    if (!config.ok) throw new Error("example must be valid")
    expect(hashOf(effectiveAgentsConfig(config.config))).toBe(base)
  })

  it("writes defaults out in the effective form", () => {
    const config = validateAgentsConfig(exampleAgentsConfig())
    if (!config.ok) throw new Error("example must be valid")
    const effective = effectiveAgentsConfig(config.config as AgentsConfig) as LooseJson
    expect(effective.agents[1].dataCollections).toEqual([])
    expect(effective.appTools[1].integration).toEqual({ name: "Notes", domain: "notes.example.com", keySlug: "default", auth: { type: "none" } })
    expect(effective.appTools[0].input.limit).toEqual({ type: "integer", required: false })
    expect(effective.agents[0].tools[0].displayName).toBeUndefined()
    expect(effective.agents[0].tools[0].recommended).toBeUndefined()
  })
})
