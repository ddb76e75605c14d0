// The card the builder's present_integration_setup call draws: a scope that is also listed as a
// permission (the usual case for OAuth, e.g. profile.read) shows once, and repeated names in the
// builder's lists still render every entry (keys are index-qualified, so React keeps them apart).

import { renderToStaticMarkup } from "react-dom/server"
import { describe, expect, it } from "vitest"
import { textOf } from "#tests/fixtures/render-in-router.tsx"
import type { IntegrationView } from "./agents-summary-view.ts"
import { IntegrationSetupCard } from "./integration-setup-card.tsx"

const crm: IntegrationView = {
  name: "Acme CRM",
  domain: "crm.example.com",
  capability: "Read your CRM profile",
  why: "The profiler reads the profile of whoever asks it.",
  authType: "oauth2",
  providerKey: "acme-crm",
  scopes: ["profile.read", "contacts.read"],
  permissions: ["profile.read"],
  secrets: [],
  setup: { overview: null, steps: [] },
}

const badges = (html: string) => [...html.matchAll(/<span class="truncate">([^<]*)<\/span>/g)].map(([, text]) => text)

describe("the integration setup card", () => {
  it("lists a scope that is also a permission once", () => {
    const html = renderToStaticMarkup(<IntegrationSetupCard integrations={[crm]} />)
    expect(badges(html)).toEqual(["profile.read", "contacts.read"])
    expect(textOf(html)).toContain("Acme CRM needs setting up")
  })

  it("renders every entry of a builder's list that repeats a name", () => {
    const html = renderToStaticMarkup(
      <IntegrationSetupCard
        integrations={[
          {
            ...crm,
            authType: "static",
            secrets: [
              { name: "CRM_TOKEN", label: "API token", required: true },
              { name: "CRM_TOKEN", label: "Backup token", required: false },
            ],
          },
          crm,
        ]}
      />
    )
    const text = textOf(html)
    expect(text).toContain("2 integrations need setting up")
    expect(html.match(/data-testid="integration-setup"/g)).toHaveLength(2)
    expect(text).toContain("API token")
    expect(text).toContain("Backup token")
  })
})
