// The card the builder's present_integration_setup call draws: a scope that is also listed as a
// permission (the usual case for OAuth, e.g. profile.read) shows once, and repeated names in the
// builder's lists still render every entry (keys are index-qualified, so React keeps them apart).

import { renderToStaticMarkup } from "react-dom/server"
import { Outlet } from "react-router-dom"
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server"
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

const WORKSPACE_ID = "w".repeat(24)

/** The card in the builder's page inside the workspace frame, whose loader says what the viewer may do. */
async function inWorkspace(permissions: readonly string[] | null) {
  const card = <IntegrationSetupCard integrations={[crm]} />
  const routes =
    permissions === null
      ? [{ path: "/w/:workspaceId/apps/:appId/view", element: card }]
      : [
          {
            id: "routes/w.$workspaceId",
            path: "/w/:workspaceId",
            loader: () => ({ workspace: { id: WORKSPACE_ID, permissions } }),
            element: <Outlet />,
            children: [{ path: "apps/:appId", element: card }],
          },
        ]
  const handler = createStaticHandler(routes)
  const url = `http://localhost/w/${WORKSPACE_ID}/apps/${"a".repeat(24)}${permissions === null ? "/view" : ""}`
  const context = await handler.query(new Request(url))
  if (context instanceof Response) throw new Error(`the test route answered ${context.status}`)
  return renderToStaticMarkup(<StaticRouterProvider router={createStaticRouter(handler.dataRoutes, context)} context={context} hydrate={false} />)
}

describe("where the card says these are set up", () => {
  const settings = `/w/${WORKSPACE_ID}/settings/integrations`

  it("links someone who manages integrations to Settings → Integrations", async () => {
    const html = await inWorkspace(["workspace:view", "integrations:connect", "integrations:manage"])
    expect(html).toMatch(new RegExp(`<a[^>]*href="${settings}"[^>]*>.*Set it up in Settings → Integrations</a>`))
  })

  it("tells anyone else that an admin sets them up, without a link they could not open", async () => {
    const html = await inWorkspace(["workspace:view", "integrations:connect"])
    expect(textOf(html)).toContain("An admin sets these up in Settings → Integrations.")
    expect(html).not.toContain(settings)
  })

  it("links with neutral wording where the frame's role is not known", async () => {
    const html = await inWorkspace(null)
    expect(html).toMatch(new RegExp(`<a[^>]*href="${settings}"[^>]*>.*Settings → Integrations</a>`))
    expect(textOf(html)).not.toContain("Set it up")
  })
})
