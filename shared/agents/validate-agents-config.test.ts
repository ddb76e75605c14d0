import { describe, expect, it } from "vitest"
import { exampleAgentsConfig, type LooseJson } from "./agents-config.fixture.ts"
import { type ConfigProblem, describeProblems, validateAgentsConfig } from "./validate-agents-config.ts"

const options = { declaredCollections: ["tickets", "notes"] }

function problemsOf(input: unknown, validateOptions = options): readonly ConfigProblem[] {
  const result = validateAgentsConfig(input, validateOptions)
  if (result.ok) throw new Error("expected the configuration to be refused")
  return result.problems
}

/** The one problem at `path`, so a test fails when the path is wrong as well as when the rule is missing. */
function problemAt(input: unknown, path: string): string {
  const problems = problemsOf(input)
  const found = problems.filter((problem) => problem.path === path)
  if (found.length === 0) throw new Error(`no problem at ${path}; got:\n${describeProblems(problems)}`)
  return found.map((problem) => problem.message).join(" | ")
}

/** Applies `change` to a fresh example configuration. */
const changed = (change: (config: LooseJson) => void) => {
  const config = exampleAgentsConfig()
  change(config)
  return config
}

const ticketTool = (config: LooseJson) => config.agents[0].tools[0]
const oauthTool = (config: LooseJson) => config.appTools[0]
const noteTool = (config: LooseJson) => config.appTools[1]

describe("validateAgentsConfig: the shape", () => {
  it("accepts the example, as text and as a value", () => {
    const text = JSON.stringify(exampleAgentsConfig(), null, 2)
    const fromText = validateAgentsConfig(text, options)
    expect(fromText.ok ? [] : fromText.problems).toEqual([])
    expect(validateAgentsConfig(exampleAgentsConfig(), options).ok).toBe(true)
    expect(validateAgentsConfig(exampleAgentsConfig()).ok).toBe(true)
  })

  it("says where JSON stops parsing", () => {
    const problems = problemsOf('{\n  "agents": [,]\n}')
    expect(problems).toHaveLength(1)
    expect(problems[0]?.path).toBe("$")
    expect(problems[0]?.message).toBe('agents.json is not valid JSON: unexpected "," at line 2, column 14')
  })

  it("refuses a file over the size limit, naming the limit", () => {
    const big = JSON.stringify({ agents: [], padding: "x".repeat(300 * 1024) })
    expect(problemAt(big, "$")).toContain("larger than 256 KB")
  })

  it("wants an object at the top", () => {
    expect(problemAt("[]", "$")).toBe("must be an object")
  })

  it("reports every schema issue at its path, worded as what to fix", () => {
    const config = changed((config) => {
      ticketTool(config).endpoint.method = "FETCH"
      delete ticketTool(config).description
      ticketTool(config).name = "GetTicket"
      ticketTool(config).mockData = []
      ticketTool(config).endpoint.header = { X: "1" }
      ticketTool(config).endpoint.headers.Accept = 1
      config.agents[0].name = ""
      config.agents[1].tools[0] = { type: "shell", name: "Bash" }
      config.agents[1].tools[1].name = "WebSurf"
      oauthTool(config).integration.auth.identity = "service_account"
    })
    const byPath = Object.fromEntries(problemsOf(config).map((problem) => [problem.path, problem.message]))
    expect(byPath).toEqual({
      "agents[0].name": "must not be empty",
      "agents[0].tools[0].description": "is missing",
      "agents[0].tools[0].name": expect.stringMatching(/^must match \^\[a-z\]\[a-z0-9_\]\{0,47\}\$ \(snake_case/),
      "agents[0].tools[0].endpoint.method": "must be one of GET, POST, PUT, PATCH, DELETE",
      "agents[0].tools[0].endpoint.header": expect.stringContaining("is not a field of this object"),
      "agents[0].tools[0].endpoint.headers.Accept": "must be a string",
      "agents[0].tools[0].mockData": "must have at least one entry",
      "agents[1].tools[0]": 'must be an object whose "type" is one of "custom", "builtin"',
      "agents[1].tools[1].name": "must be one of WebSearch, WebFetch",
      "appTools[0].integration.auth.identity": 'must be "triggering_user"',
    })
  })

  it("quotes keys that are not identifiers", () => {
    const config = changed((config) => (ticketTool(config).endpoint.headers["X-Api-Version"] = 2))
    expect(problemAt(config, 'agents[0].tools[0].endpoint.headers["X-Api-Version"]')).toBe("must be a string")
  })
})

describe("validateAgentsConfig: names and ids", () => {
  it("wants at least one agent or appTool", () => {
    expect(problemAt({ agents: [] }, "$")).toContain("at least one agent")
    expect(problemAt({ agents: [], appTools: [] }, "$")).toContain("at least one agent")
  })

  it("refuses a repeated agent id", () => {
    const config = changed((config) => (config.agents[1].id = "ticket-triage"))
    expect(problemAt(config, "agents[1].id")).toContain("already the id of agents[0]")
  })

  it("refuses repeated tool names within an agent and within appTools, and a builtin listed twice", () => {
    const config = changed((config) => {
      config.agents[0].tools.push({ ...structuredClone(ticketTool(config)) })
      noteTool(config).name = "list_events"
      config.agents[1].tools.push({ type: "builtin", name: "WebSearch" })
    })
    expect(problemAt(config, "agents[0].tools[1].name")).toContain("already listed at agents[0].tools[0]")
    expect(problemAt(config, "appTools[1].name")).toContain("already listed at appTools[0]")
    expect(problemAt(config, "agents[1].tools[2].name")).toContain("already listed at agents[1].tools[0]")
  })

  it("refuses the platform's reserved tool names", () => {
    const config = changed((config) => (ticketTool(config).name = "report_tool_call_failed"))
    expect(problemAt(config, "agents[0].tools[0].name")).toContain("the platform's own tool")
  })

  it("allows the same tool name in two agents", () => {
    const config = changed((config) => config.agents[1].tools.splice(0, 2, structuredClone(noteTool(config))))
    expect(validateAgentsConfig(config, options).ok).toBe(true)
  })
})

describe("validateAgentsConfig: endpoint URLs", () => {
  const urlProblem = (url: string) => problemAt(changed((config) => (ticketTool(config).endpoint.url = url)), "agents[0].tools[0].endpoint.url")
  const urlAccepted = (url: string) => validateAgentsConfig(changed((config) => (ticketTool(config).endpoint.url = url)), options).ok

  it("accepts the domain, a subdomain and an explicit :443", () => {
    expect(urlAccepted("https://api.example.zendesk.com/v2/{{input.ticketId}}?q={{input.ticketId}}")).toBe(true)
    expect(urlAccepted("https://example.zendesk.com:443/v2/{{input.ticketId}}")).toBe(true)
    expect(urlAccepted("HTTPS://Example.Zendesk.com/v2/{{input.ticketId}}")).toBe(true)
  })

  it("refuses other schemes, userinfo, ports and fragments", () => {
    expect(urlProblem("http://example.zendesk.com/{{input.ticketId}}")).toContain("must start with https://")
    expect(urlProblem("//example.zendesk.com/{{input.ticketId}}")).toContain("must start with https://")
    expect(urlProblem("https://user:pw@example.zendesk.com/{{input.ticketId}}")).toContain("user:password@")
    expect(urlProblem("https://example.zendesk.com:8443/{{input.ticketId}}")).toContain("port 8443")
    expect(urlProblem("https://example.zendesk.com/{{input.ticketId}}#top")).toContain("#fragment")
    expect(urlProblem("https://exa mple.zendesk.com/{{input.ticketId}}")).toContain("not a valid URL")
  })

  it("refuses hosts outside the declared domain", () => {
    expect(urlProblem("https://evil.com/{{input.ticketId}}")).toContain('neither integration.domain "example.zendesk.com" nor a subdomain')
    expect(urlProblem("https://example.zendesk.com.evil.com/{{input.ticketId}}")).toContain("neither integration.domain")
    expect(urlProblem("https://badexample.zendesk.com/{{input.ticketId}}")).toContain("neither integration.domain")
    expect(urlProblem("https://evil.com\\@example.zendesk.com/{{input.ticketId}}")).toContain("neither integration.domain")
  })

  it("refuses placeholders in the host", () => {
    expect(urlProblem("https://{{input.ticketId}}.example.zendesk.com/x")).toContain("placeholders in the host")
    expect(urlProblem("https://example.zendesk.com{{input.ticketId}}/x")).toContain("placeholders in the host")
  })
})

describe("validateAgentsConfig: placeholders and auth", () => {
  const headerProblem = (value: string, path = "agents[0].tools[0].endpoint.headers.Authorization") =>
    problemAt(changed((config) => (ticketTool(config).endpoint.headers.Authorization = value)), path)

  it("refuses anything but {{input.NAME}} and {{secrets.NAME}}, saying what to write", () => {
    expect(headerProblem("Bearer {{token}}")).toContain("write {{secrets.TOKEN}}")
    expect(headerProblem("Bearer {{secrets.api.key}} {{secrets.API_TOKEN}}")).toContain("UPPER_SNAKE_CASE")
    expect(headerProblem("Bearer {{ secrets.API_TOKEN }}")).toContain("write {{secrets.API_TOKEN}} without spaces")
    expect(headerProblem("Bearer {{secrets.API_TOKEN}} {{input.userId}}")).toContain('names no declared parameter: declare "userId"')
    expect(headerProblem("Bearer {{secrets.API_TOKEN}} {{input.a.b}}")).toContain("nested fields are not filled")
    expect(headerProblem("Bearer {{secrets.API_TOKEN}} {{user}}")).toContain("write {{input.user}}")
    expect(headerProblem("Bearer {{secrets.API_TOKEN}} {{")).toContain("not a complete placeholder")
  })

  it("allows secrets only with static auth, and static auth needs one", () => {
    const none = changed((config) => (noteTool(config).endpoint.headers = { "X-Key": "{{secrets.NOTES_KEY}}" }))
    expect(problemAt(none, 'appTools[1].endpoint.headers["X-Key"]')).toContain('set integration.auth to {"type": "static"}')
    const oauth = changed((config) => (oauthTool(config).endpoint.queryParams.key = "{{secrets.GOOGLE_KEY}}"))
    expect(problemAt(oauth, "appTools[0].endpoint.queryParams.key")).toContain('not allowed with auth "oauth2"')
    const noSecret = changed((config) => (ticketTool(config).endpoint.headers = { Accept: "application/json" }))
    expect(problemAt(noSecret, "agents[0].tools[0].integration.auth")).toContain("needs at least one {{secrets.NAME}}")
  })

  it("refuses an Authorization header, in any case, unless auth is static", () => {
    const oauth = changed((config) => (oauthTool(config).endpoint.headers = { authorization: "Bearer x" }))
    expect(problemAt(oauth, "appTools[0].endpoint.headers.authorization")).toContain("the platform sends the person's OAuth bearer token itself")
    const none = changed((config) => (noteTool(config).endpoint.headers = { AUTHORIZATION: "Basic abc" }))
    expect(problemAt(none, "appTools[1].endpoint.headers.AUTHORIZATION")).toContain('auth "none"')
  })

  it("checks placeholders inside a JSON body at their path", () => {
    const config = changed((config) => {
      noteTool(config).endpoint.body.tags = ["{{input.tag}}", { nested: "{{input.missing}}" }]
      noteTool(config).endpoint.body["{{input.title}}"] = "x"
    })
    expect(problemAt(config, "appTools[1].endpoint.body.tags[1].nested")).toContain("{{input.missing}} names no declared parameter")
    expect(problemAt(config, 'appTools[1].endpoint.body["{{input.title}}"]')).toContain("not in keys")
  })
})

describe("validateAgentsConfig: request body", () => {
  it("refuses a body on GET", () => {
    const config = changed((config) => (ticketTool(config).endpoint.body = { id: "{{input.ticketId}}" }))
    expect(problemAt(config, "agents[0].tools[0].endpoint.body")).toContain("must be left out for GET")
  })
})

describe("validateAgentsConfig: headers and query", () => {
  it("refuses header names that are not tokens, repeats, and headers the client owns", () => {
    const config = changed((config) => {
      Object.assign(ticketTool(config).endpoint.headers, { "X Bad": "1", accept: "text/plain", Host: "evil.com" })
    })
    expect(problemAt(config, 'agents[0].tools[0].endpoint.headers["X Bad"]')).toContain("not a valid header name")
    expect(problemAt(config, "agents[0].tools[0].endpoint.headers.accept")).toContain('repeats header "Accept"')
    expect(problemAt(config, "agents[0].tools[0].endpoint.headers.Host")).toContain("set by the platform's HTTP client")
  })

  it("refuses line breaks in literal header and query values", () => {
    const config = changed((config) => {
      ticketTool(config).endpoint.headers.Accept = "application/json\r\nX-Injected: 1"
      oauthTool(config).endpoint.queryParams.q = "a\nb"
    })
    expect(problemAt(config, "agents[0].tools[0].endpoint.headers.Accept")).toContain("line breaks")
    expect(problemAt(config, "appTools[0].endpoint.queryParams.q")).toContain("line breaks")
  })
})

describe("validateAgentsConfig: parameters", () => {
  it("refuses repeated enum values, enums on non-strings, bad names and unused parameters", () => {
    const config = changed((config) => {
      noteTool(config).input.tag.enum = ["work", "home", "work"]
      oauthTool(config).input.limit.enum = ["10"]
      noteTool(config).input["Bad-Name"] = { type: "string" }
      noteTool(config).input.unused = { type: "boolean" }
    })
    expect(problemAt(config, "appTools[1].input.tag.enum[2]")).toContain('repeats "work"')
    expect(problemAt(config, "appTools[0].input.limit.enum")).toContain('only for "string" parameters')
    expect(problemAt(config, 'appTools[1].input["Bad-Name"]')).toContain("not a valid parameter name")
    expect(problemAt(config, "appTools[1].input.unused")).toContain("no {{input.unused}} uses it")
  })
})

describe("validateAgentsConfig: OAuth", () => {
  it("wants https URLs, one scope per entry, unique scopes, and no platform parameters", () => {
    const config = changed((config) => {
      const auth = oauthTool(config).integration.auth
      auth.tokenUrl = "http://oauth2.googleapis.com/token"
      auth.authorizationUrl = "not a url"
      auth.scopes = ["a", "b c", "a", "d\u0001"]
      auth.authorizationParams = { redirect_uri: "https://evil.com", access_type: "offline" }
    })
    expect(problemAt(config, "appTools[0].integration.auth.tokenUrl")).toBe("must be an https:// URL")
    expect(problemAt(config, "appTools[0].integration.auth.authorizationUrl")).toContain("not a valid URL")
    expect(problemAt(config, "appTools[0].integration.auth.scopes[1]")).toContain("split")
    expect(problemAt(config, "appTools[0].integration.auth.scopes[1]")).toContain("list each scope as its own string")
    expect(problemAt(config, "appTools[0].integration.auth.scopes[3]")).toContain("control characters")
    expect(problemAt(config, "appTools[0].integration.auth.scopes[2]")).toContain('repeats "a"')
    expect(problemAt(config, "appTools[0].integration.auth.authorizationParams.redirect_uri")).toContain("set by the platform")
  })

  it("refuses two auth blocks for one stored credential", () => {
    const config = changed((config) => {
      const other = structuredClone(oauthTool(config))
      other.name = "list_calendars"
      other.integration.auth.tokenUrl = "https://other.googleapis.com/token"
      config.appTools.push(other)
    })
    expect(problemAt(config, "appTools[2].integration.auth")).toContain("with appTools[0] but uses different auth")
  })
})

describe("validateAgentsConfig: agents' reach", () => {
  it("refuses web tools in an agent with credentialed tools, unless the web tool is disabled", () => {
    const config = changed((config) => {
      delete config.agents[0].dataCollections
      config.agents[0].tools.push({ type: "builtin", name: "WebFetch" })
    })
    expect(problemAt(config, "agents[0].tools[1]")).toContain("could send company data to the web")
    const disabled = changed((config) => config.agents[0].tools.push({ type: "builtin", name: "WebFetch", enabled: false }))
    expect(validateAgentsConfig(disabled, options).ok).toBe(true)
  })

  it("refuses web tools in an agent with dataCollections, even without any custom tool: app data could go to any web host", () => {
    const config = changed((config) => (config.agents[1].dataCollections = ["tickets"]))
    expect(problemAt(config, "agents[1].tools[0]")).toBe(
      "WebSearch is not allowed in an agent that reads and writes app data (dataCollections: tickets): it could send the app's data to the web, to any host; move web research to a separate agent without dataCollections",
    )
    expect(problemAt(config, "agents[1].tools[1]")).toContain("WebFetch is not allowed")
    // Both reaches named when the agent has both.
    const both = changed((config) => config.agents[0].tools.push({ type: "builtin", name: "WebSearch" }))
    expect(problemAt(both, "agents[0].tools[1]")).toContain("calls company APIs with credentials (agents[0].tools[0]) and reads and writes app data (dataCollections: tickets)")
    // An empty list reads no data; a disabled web tool is not part of the agent.
    expect(validateAgentsConfig(changed((config) => (config.agents[1].dataCollections = [])), options).ok).toBe(true)
    const disabled = changed((config) => {
      config.agents[1].dataCollections = ["tickets"]
      for (const tool of config.agents[1].tools) tool.enabled = false
    })
    expect(validateAgentsConfig(disabled, options).ok).toBe(true)
  })

  it("allows web tools beside public tools", () => {
    const config = changed((config) => config.agents[1].tools.push(structuredClone(noteTool(config))))
    expect(validateAgentsConfig(config, options).ok).toBe(true)
  })

  it("wants data collections unique and declared in second.json", () => {
    const config = changed((config) => (config.agents[0].dataCollections = ["tickets", "tickets", "invoices"]))
    expect(problemAt(config, "agents[0].dataCollections[1]")).toContain('repeats "tickets"')
    expect(problemAt(config, "agents[0].dataCollections[2]")).toContain("declare it in second.json's dataCollections first")
    expect(validateAgentsConfig(changed((config) => (config.agents[0].dataCollections = ["invoices"]))).ok).toBe(true)
  })
})

/** `depth` arrays inside one another around 1: `[[1]]` is 2 levels. */
function nestedArrays(depth: number): unknown {
  let value: unknown = 1
  for (let level = 0; level < depth; level += 1) value = [value]
  return value
}

/** The example as text with `text` in place of the value `"__DEEP__"` that `change` put somewhere. */
function textWith(change: (config: LooseJson) => void, text: string): string {
  return JSON.stringify(changed(change)).replace('"__DEEP__"', text)
}

describe("validateAgentsConfig: nesting depth", () => {
  it("refuses mock data nested 6,000 levels (about 12 KB) at its path, instead of overflowing the stack later", () => {
    const deep = `${"[".repeat(6_000)}1${"]".repeat(6_000)}`
    const text = textWith((config) => (ticketTool(config).mockData = ["__DEEP__"]), deep)
    expect(text.length).toBeLessThan(20_000)
    expect(problemsOf(text)).toEqual([{ path: "agents[0].tools[0].mockData[0]", message: "nests arrays and objects more than 32 levels deep; flatten it to at most 32 levels" }])
    // The same value given already parsed.
    expect(problemAt(changed((config) => (ticketTool(config).mockData = [{ ok: true }, nestedArrays(6_000)])), "agents[0].tools[0].mockData[1]")).toContain("more than 32 levels")
  })

  it("allows 32 levels in every free JSON value (mockData, body, responseSchema) and refuses 33, each at its own path", () => {
    const at = (depth: number) =>
      changed((config) => {
        ticketTool(config).responseSchema = nestedArrays(depth)
        oauthTool(config).mockData = [nestedArrays(depth)]
        noteTool(config).endpoint.body = { title: "{{input.title}}", tags: ["{{input.tag}}"], deep: nestedArrays(depth - 1) }
      })
    expect(validateAgentsConfig(at(32), options).ok).toBe(true)
    expect(problemsOf(at(33)).map((problem) => problem.path)).toEqual(["agents[0].tools[0].responseSchema", "appTools[0].mockData[0]", "appTools[1].endpoint.body"])
  })

  it("refuses a file whose own structure nests deeply, where no free value is, without throwing", () => {
    const deep = `${"[".repeat(50_000)}${"]".repeat(50_000)}`
    const problems = problemsOf(`{"agents": ${deep}}`)
    expect(problems).toHaveLength(1)
    expect(problems[0]!.path).toBe(`agents${"[0]".repeat(31)}`)
    expect(problems[0]!.message).toBe("is nested more than 32 levels deep in agents.json, deeper than its format ever goes; fix the file's structure")
  })
})

describe("validateAgentsConfig: reporting", () => {
  it("reports every cross-field problem at once", () => {
    const config = changed((config) => {
      config.agents[1].id = "ticket-triage"
      ticketTool(config).endpoint.url = "http://example.zendesk.com/{{input.ticketId}}"
      noteTool(config).endpoint.headers = { Authorization: "x" }
      config.agents[0].dataCollections = ["invoices"]
    })
    expect(problemsOf(config).map((problem) => problem.path)).toEqual([
      "agents[0].tools[0].endpoint.url",
      "agents[0].dataCollections[0]",
      "agents[1].id",
      "appTools[1].endpoint.headers.Authorization",
    ])
  })

  it("describes problems one per line, bounded", () => {
    const problems = Array.from({ length: 25 }, (_, index) => ({ path: `agents[${index}].id`, message: "is missing" }))
    const text = describeProblems(problems)
    expect(text.split("\n")).toHaveLength(21)
    expect(text.split("\n")[0]).toBe("agents[0].id: is missing")
    expect(text.endsWith("… and 5 more")).toBe(true)
    expect(describeProblems(problems, 3).split("\n")).toHaveLength(4)
  })
})
