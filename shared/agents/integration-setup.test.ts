import { describe, expect, it } from "vitest"
import { googleCalendarAuth, validExampleConfig, type LooseJson } from "./agents-config.fixture.ts"
import { INTEGRATION_SETUP_FILE, summarizeIntegrationSetup, validateIntegrationSetup } from "./integration-setup.ts"

function exampleSetup(): LooseJson {
  return {
    integrations: [
      {
        name: "Zendesk",
        domain: "example.zendesk.com",
        keyName: "Zendesk support key",
        capabilityLabel: "Read tickets",
        why: "The triage agent reads new tickets.",
        permissionGroups: [{ name: "Tickets", description: "Read tickets", permissions: ["tickets:read"] }],
        secrets: [{ name: "API_TOKEN", label: "API token", description: "Admin → Apps → API → Tokens", required: true }],
        auth: { type: "static" },
        setupInstructions: {
          overview: "Create an API token for a read-only agent.",
          steps: [{ title: "Open the admin center", description: "Go to [Admin](https://example.zendesk.com/admin).", url: "https://example.zendesk.com/admin" }],
          links: [{ label: "API tokens", url: "https://support.zendesk.com/hc/en-us/articles/4408889192858" }],
        },
      },
      {
        name: "Google Calendar",
        domain: "googleapis.com",
        keySlug: "default",
        keyName: "Google",
        capabilityLabel: "Read calendars",
        why: "The app lists the person's events.",
        permissionGroups: [],
        secrets: [],
        auth: googleCalendarAuth(),
        setupInstructions: { overview: "Register an OAuth client in Google Cloud.", steps: [], links: [] },
      },
    ],
  }
}

function problemAt(result: ReturnType<typeof validateIntegrationSetup>, path: string): string {
  if (result.ok) throw new Error("expected the setup to be refused")
  const found = result.problems.filter((problem) => problem.path === path)
  if (found.length === 0) throw new Error(`no problem at ${path}; got ${JSON.stringify(result.problems, null, 1)}`)
  return found.map((problem) => problem.message).join(" | ")
}

const changed = (change: (setup: LooseJson) => void) => {
  const setup = exampleSetup()
  change(setup)
  return setup
}

describe("validateIntegrationSetup", () => {
  it("accepts the example alone and against the agents.json it serves", () => {
    expect(INTEGRATION_SETUP_FILE).toBe("integration-setup.json")
    const alone = validateIntegrationSetup(JSON.stringify(exampleSetup()))
    expect(alone.ok ? [] : alone.problems).toEqual([])
    const checked = validateIntegrationSetup(exampleSetup(), { agentsConfig: validExampleConfig() })
    expect(checked.ok ? [] : checked.problems).toEqual([])
  })

  it("reports schema issues at their paths", () => {
    const result = validateIntegrationSetup(
      changed((setup) => {
        setup.integrations[0].secrets[0].name = "api_token"
        delete setup.integrations[0].why
        setup.integrations[1].setupInstructions.steps.push({ title: "" , description: "x" })
      }),
    )
    expect(problemAt(result, "integrations[0].secrets[0].name")).toContain("UPPER_SNAKE_CASE")
    expect(problemAt(result, "integrations[0].why")).toBe("is missing")
    expect(problemAt(result, "integrations[1].setupInstructions.steps[0].title")).toBe("must not be empty")
    expect(problemAt(validateIntegrationSetup({ integrations: [] }), "integrations")).toBe("must have at least one entry")
    expect(problemAt(validateIntegrationSetup("{"), "$")).toContain("integration-setup.json is not valid JSON")
  })

  it("refuses repeated keys and secrets, and non-https links", () => {
    const result = validateIntegrationSetup(
      changed((setup) => {
        setup.integrations[1].domain = "example.zendesk.com"
        setup.integrations[0].secrets.push({ ...setup.integrations[0].secrets[0] })
        setup.integrations[0].setupInstructions.links[0].url = "http://support.zendesk.com/"
        setup.integrations[0].setupInstructions.steps[0].url = "javascript:alert(1)"
      }),
    )
    expect(problemAt(result, "integrations[1].keySlug")).toContain("integrations[0] already sets up domain")
    expect(problemAt(result, "integrations[0].secrets[1].name")).toContain('repeats secret "API_TOKEN"')
    expect(problemAt(result, "integrations[0].setupInstructions.links[0].url")).toBe("must be an https:// URL")
    expect(problemAt(result, "integrations[0].setupInstructions.steps[0].url")).toBe("must be an https:// URL")
  })

  it("refuses an OAuth scope string that holds several scopes or control characters", () => {
    const result = validateIntegrationSetup(
      changed((setup) => {
        setup.integrations[1].auth.scopes = ["mail.read", "mail.send admin.full", "tab\there"]
      }),
    )
    expect(problemAt(result, "integrations[1].auth.scopes[1]")).toContain("list each scope as its own string")
    expect(problemAt(result, "integrations[1].auth.scopes[2]")).toContain("without spaces or control characters")
    expect(() => problemAt(result, "integrations[1].auth.scopes[0]")).toThrow()
  })

  it("wants secrets exactly when auth is static", () => {
    const result = validateIntegrationSetup(
      changed((setup) => {
        setup.integrations[0].secrets = []
        setup.integrations[1].secrets = [{ name: "X", label: "x", description: "x", required: false }]
      }),
    )
    expect(problemAt(result, "integrations[0].secrets")).toContain('auth "static"')
    expect(problemAt(result, "integrations[1].secrets")).toContain('must be empty with auth "oauth2"')
  })

  it("wants every credential and secret the tools use, with the same kind of auth", () => {
    const config = validExampleConfig((config) => {
      config.agents[0].tools[0].endpoint.headers["X-Extra"] = "{{secrets.EXTRA_KEY}}"
      config.appTools[1].integration.keySlug = "writer"
      config.appTools[1].integration.auth = { type: "static" }
      config.appTools[1].endpoint.headers = { Authorization: "Bearer {{secrets.NOTES_KEY}}" }
    })
    const result = validateIntegrationSetup(
      changed((setup) => (setup.integrations[1].auth = { type: "static" })),
      { agentsConfig: config },
    )
    expect(problemAt(result, "integrations[0].secrets")).toBe('has no secret "EXTRA_KEY", which agents[0].tools[0] uses as {{secrets.EXTRA_KEY}}; add it')
    expect(problemAt(result, "integrations")).toContain('no entry for domain "notes.example.com" with keySlug "writer", which appTools[1] calls with auth "static"')
    expect(problemAt(result, "integrations[1].auth")).toContain('says auth "static" but appTools[0] uses auth "oauth2"')
  })

  it("wants the OAuth block the tools sign in with", () => {
    const missing = validateIntegrationSetup(changed((setup) => delete setup.integrations[1].auth), { agentsConfig: validExampleConfig() })
    expect(problemAt(missing, "integrations[1].auth")).toContain('appTools[0] signs in with OAuth provider "google"')
    const other = validateIntegrationSetup(changed((setup) => (setup.integrations[1].auth.providerKey = "google-work")), { agentsConfig: validExampleConfig() })
    expect(problemAt(other, "integrations[1].auth.providerKey")).toContain('uses providerKey "google"')
  })

  it("ignores public and disabled tools when cross-checking", () => {
    const config = validExampleConfig((config) => (config.appTools[0].enabled = false))
    const setup = changed((setup) => setup.integrations.pop())
    const result = validateIntegrationSetup(setup, { agentsConfig: config })
    expect(result.ok ? [] : result.problems).toEqual([])
  })
})

describe("validateIntegrationSetup: nesting depth", () => {
  it("refuses a file nested deeper than its format goes at the path where it does, without throwing", () => {
    const deep = `${"[".repeat(6_000)}"x"${"]".repeat(6_000)}`
    const text = JSON.stringify(exampleSetup()).replace('["tickets:read"]', deep)
    const result = validateIntegrationSetup(text)
    expect(result.ok).toBe(false)
    expect(result.ok ? [] : result.problems).toEqual([
      {
        path: `integrations[0].permissionGroups[0].permissions${"[0]".repeat(27)}`,
        message: `is nested more than 32 levels deep in ${INTEGRATION_SETUP_FILE}, deeper than its format ever goes; fix the file's structure`,
      },
    ])
  })
})

describe("summarizeIntegrationSetup", () => {
  it("writes defaults out, as plain JSON for cards", () => {
    const result = validateIntegrationSetup(exampleSetup())
    if (!result.ok) throw new Error("example must be valid")
    const summary = summarizeIntegrationSetup(result.config)
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary)
    expect(summary.integrations[0]).toMatchObject({ keySlug: "default", authType: "static", providerKey: null, scopes: [] })
    expect(summary.integrations[0]?.secrets).toEqual([{ name: "API_TOKEN", label: "API token", description: "Admin → Apps → API → Tokens", required: true }])
    expect(summary.integrations[1]).toMatchObject({ authType: "oauth2", providerKey: "google", scopes: ["https://www.googleapis.com/auth/calendar.readonly"], setupInstructions: { steps: [], links: [] } })
  })
})
