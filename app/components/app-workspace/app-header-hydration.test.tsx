// The header's dialogs are fetched on demand: their Suspense boundaries must not be in the server's
// HTML, or an update reaching one before it hydrates throws React error #421 (seen on admins' pages).

import { renderToString } from "react-dom/server"
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server"
import { describe, expect, it } from "vitest"
import { AppHeader } from "./app-header.tsx"

describe("the app header as the server renders it", () => {
  it("has no Suspense boundary (so nothing in it waits to hydrate), and no dot before the browser asks", async () => {
    const element = (
      <AppHeader
        workspaceId="w"
        app={{ id: "a", name: "Lunch", description: null, runtime: "claude", model: null, running: false, createdByUserId: "u", collaboratorUserIds: [], members: [] }}
        mayManage
        appsHref="/w/w/apps"
        base="/w/w/apps/a"
        viewHref="/w/w/apps/a/view"
      />
    )
    const handler = createStaticHandler([{ path: "*", element }])
    const context = await handler.query(new Request("http://localhost/"))
    if (context instanceof Response) throw new Error("the test route answered a response")
    const html = renderToString(<StaticRouterProvider router={createStaticRouter(handler.dataRoutes, context)} context={context} hydrate={false} />)
    expect(html).toContain('data-testid="publish-app"')
    // React marks a Suspense boundary in server HTML with <!--$--> … <!--/$-->.
    expect(html).not.toMatch(/<!--\/?\$[!?]?-->/)
    expect(html).not.toContain("publish-changes-dot")
  })
})
