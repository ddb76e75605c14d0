// Settings → Integrations' app keys as the server renders them: what a key is for, its
// permissions, setup links that are web links only, and write-only secret fields.

import { beforeAll, describe, expect, it } from "vitest"
import { renderInRouter, textOf } from "#tests/fixtures/render-in-router.tsx"
import { loadRichText } from "../builder/rich-text.tsx"
import { AppKeyCard } from "./app-key-card.tsx"
import { ALL_MARKED } from "./field-problems.ts"
import { secretFormTarget, type KeyView } from "./integration-views.ts"
import { AT } from "./integrations-test-fixtures.ts"

// The setup instructions are rich text, whose renderer loads on its own.
beforeAll(async () => {
  expect(await loadRichText()).not.toBeNull()
})

describe("an app's keys", () => {
  const key: KeyView = {
    domain: "api.zendesk.com",
    keySlug: "default",
    name: "Zendesk",
    keyName: "Zendesk support key",
    capabilityLabel: "Read and update tickets",
    why: "The triage agent reads new tickets.",
    authType: "static",
    providerKey: null,
    requiredScopes: [],
    permissionGroups: [
      {
        name: "Tickets",
        description: "Read and write tickets.",
        permissions: ["tickets:read", "tickets:write"],
      },
    ],
    setupInstructions: {
      overview: "Create an API token in **Admin Center**. See [the guide](https://support.zendesk.com/guide) or [this](javascript:alert(1)).",
      steps: [
        {
          title: "Open Admin Center",
          description: "Go to Apps and integrations.",
          url: "https://example.zendesk.com/admin",
        },
        {
          title: "Copy the token",
          description: "Paste it below.",
          url: "javascript:alert(2)",
        },
      ],
      links: [
        { label: "API docs", url: "https://developer.zendesk.com/api" },
        { label: "Sneaky", url: "data:text/html,hi" },
      ],
    },
    secrets: [
      {
        name: "ZENDESK_TOKEN",
        label: "API token",
        description: "From Admin Center.",
        required: true,
        configured: true,
        updatedAt: AT,
      },
      {
        name: "ZENDESK_EMAIL",
        label: "Agent email",
        description: "Whose token it is.",
        required: false,
        configured: false,
        updatedAt: null,
      },
    ],
    configured: true,
    syncedAt: AT,
  }

  it("shows what the key is for, the permissions, web links only, and write-only secret fields", async () => {
    const html = await renderInRouter(<AppKeyCard app={{ appId: "a".repeat(24), name: "Support desk", keys: [key] }} outcomes={{}} />)
    const text = textOf(html)
    expect(text).toContain("Zendesk support key")
    expect(text).toContain("Read and update tickets")
    expect(text).toContain("tickets:write")
    expect(text).toContain("API token ZENDESK_TOKEN Stored")
    expect(text).toContain("Agent email ZENDESK_EMAIL (optional) Not set")
    expect(html).not.toMatch(/javascript:|data:text/)
    const links = [...html.matchAll(/<a [^>]*>/g)].map(([tag]) => tag)
    expect(links.length).toBeGreaterThanOrEqual(3)
    for (const link of links) {
      expect(link).toMatch(/href="https?:\/\//)
      expect(link).toMatch(/rel="(noopener noreferrer|noreferrer noopener)"/)
    }
    for (const tag of [...html.matchAll(/<input[^>]*name="value"[^>]*>/g)].map(([each]) => each)) {
      expect(tag).toContain('type="password"')
      expect(tag).not.toContain('value="')
    }
  })

  it("shows a refused value's problem under that secret's field", async () => {
    const app = { appId: "a".repeat(24), name: "Support desk", keys: [key] }
    const target = secretFormTarget(app.appId, key.domain, key.keySlug, "ZENDESK_TOKEN")
    const html = await renderInRouter(
      <AppKeyCard
        app={app}
        outcomes={{ [target]: { ok: false, message: "value: Value must be at most 16384 bytes", issues: [{ path: "value", message: "Value must be at most 16384 bytes" }] } }}
      />
    )
    const values = [...html.matchAll(/<input[^>]*name="value"[^>]*>/g)].map(([tag]) => tag)
    expect(values).toHaveLength(2)
    expect(values[0]).toContain('aria-invalid="true"')
    const id = /aria-describedby="([^"]+)"/.exec(values[0]!)?.[1]
    expect(html).toMatch(new RegExp(`<p id="${id}"[^>]*>Value must be at most 16384 bytes</p>`))
    expect(values[1]).not.toContain('aria-invalid="true"')
    expect(textOf(html)).toContain(ALL_MARKED)
  })
})
