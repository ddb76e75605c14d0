import { describe, expect, it } from "vitest"
import { renderInRouter, textOf } from "#tests/fixtures/render-in-router.tsx"
import { AppWorkspace } from "./app-workspace.tsx"
import { PanelTabs, paneOfRoute } from "./panel-tabs.tsx"
import { CHAT_WIDTH, clampChatWidth, parseStoredWidth } from "./use-chat-width.ts"

describe("the app workspace", () => {
  it("puts a keyboard-focusable separator between the chat and the panels, with no style attribute (CSP)", async () => {
    const html = await renderInRouter(<AppWorkspace pane="chat" chat={<p>chat</p>} tabs={<nav>tabs</nav>}>panel</AppWorkspace>)
    expect(html).toMatch(
      /<div class="workspace-handle" role="separator" aria-orientation="vertical" aria-label="Resize the chat and the panel" aria-valuemin="25" aria-valuemax="70" aria-valuenow="42" aria-valuetext="Chat 42% of the width" tabindex="0"/,
    )
    expect(html).toContain('data-pane="chat"')
    expect(html).not.toContain("style=")
  })

  it("offers every panel as a link, Chat among them for phones", async () => {
    const html = await renderInRouter(<PanelTabs base="/w/w/apps/a" />, "http://localhost/w/w/apps/a/files?path=x")
    expect(textOf(html)).toBe("Chat Preview Files Data Versions")
    expect([...html.matchAll(/href="([^"]+)"/g)].map(([, href]) => href)).toEqual(["/w/w/apps/a", "/w/w/apps/a/preview", "/w/w/apps/a/files", "/w/w/apps/a/data", "/w/w/apps/a/versions"])
    expect(html).toMatch(/aria-current="page"[^>]*>Files</)
    expect(html.match(/aria-current/g)).toHaveLength(1)
  })

  it("knows the panel from the route", () => {
    expect(paneOfRoute("routes/w.$workspaceId.apps.$appId._index")).toBe("chat")
    expect(paneOfRoute("routes/w.$workspaceId.apps.$appId.versions")).toBe("versions")
    expect(paneOfRoute(undefined)).toBe("chat")
  })

  it("keeps a remembered width within bounds, and ignores what is not one", () => {
    expect(parseStoredWidth("55")).toBe(55)
    expect(parseStoredWidth("5")).toBe(CHAT_WIDTH.min)
    expect(parseStoredWidth("500")).toBe(CHAT_WIDTH.max)
    expect(parseStoredWidth("wide")).toBeNull()
    expect(parseStoredWidth(null)).toBeNull()
    expect(clampChatWidth(41.6)).toBe(42)
  })
})
