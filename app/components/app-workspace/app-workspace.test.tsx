import { describe, expect, it } from "vitest"
import { renderInRouter, textOf } from "#tests/fixtures/render-in-router.tsx"
import { AppHeader, type AppHeaderProps } from "./app-header.tsx"
import { AppWorkspace } from "./app-workspace.tsx"
import { PanelTabs, paneOfRoute } from "./panel-tabs.tsx"
import { CHAT_WIDTH, clampChatWidth, parseStoredWidth } from "./use-chat-width.ts"

const header = (extra: Partial<AppHeaderProps["app"]> = {}): AppHeaderProps => ({
  workspaceId: "w",
  app: {
    id: "a",
    name: "Lunch planner for the whole office team",
    description: "Where the team decides where to eat.",
    runtime: "claude",
    model: null,
    running: false,
    createdByUserId: "u",
    collaboratorUserIds: [],
    members: [{ userId: "u", name: "Ada", email: "ada@example.com" }],
    ...extra,
  },
  mayManage: true,
  appsHref: "/w/w/apps",
  base: "/w/w/apps/a",
  viewHref: "/w/w/apps/a/view",
})

describe("the app workspace", () => {
  it("puts a keyboard-focusable separator between the chat and the panels, with no style attribute (CSP)", async () => {
    const html = await renderInRouter(<AppWorkspace pane="chat" chat={<p>chat</p>} tabs={<nav>tabs</nav>}>panel</AppWorkspace>)
    expect(html).toMatch(
      /<div class="[^"]*" role="separator" aria-orientation="vertical" aria-label="Resize the chat and the panel" aria-valuemin="25" aria-valuemax="70" aria-valuenow="42" aria-valuetext="Chat 42% of the width" tabindex="0"/,
    )
    expect(html).toContain('data-pane="chat"')
    expect(html).not.toContain("style=")
  })

  it("shows the chat or the panel on a phone, by the pane, and both on a wide screen", async () => {
    const chat = (pane: "chat" | "files") => renderInRouter(<AppWorkspace pane={pane} chat={<p>chat</p>} tabs={<nav>tabs</nav>}>panel</AppWorkspace>)
    const sectionClass = (html: string) => /<section aria-label="Chat" class="([^"]*)"/.exec(html)?.[1]?.split(" ") ?? []
    expect(sectionClass(await chat("chat"))).toContain("flex")
    expect(sectionClass(await chat("files"))).toEqual(expect.arrayContaining(["hidden", "md:flex"]))
  })

  it("offers every panel as a link, Chat among them for phones", async () => {
    const html = await renderInRouter(<PanelTabs base="/w/w/apps/a" />, "http://localhost/w/w/apps/a/files?path=x")
    expect(textOf(html)).toBe("Chat Preview Files Data Agents Versions")
    expect([...html.matchAll(/href="([^"]+)"/g)].map(([, href]) => href)).toEqual(["/w/w/apps/a", "/w/w/apps/a/preview", "/w/w/apps/a/files", "/w/w/apps/a/data", "/w/w/apps/a/agents", "/w/w/apps/a/versions"])
    expect(html).toMatch(/aria-current="page"[^>]*>(?:<svg[^]*?<\/svg>)?Files</)
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

describe("the app's header", () => {
  it("shows the whole name in its title when it is cut to one line, and what the app is for", async () => {
    const html = await renderInRouter(<AppHeader {...header()} />)
    expect(html).toMatch(/<h1 class="[^"]*\btruncate\b[^"]*" title="Lunch planner for the whole office team" data-testid="app-name">Lunch planner for the whole office team<\/h1>/)
    expect(html).toContain('data-testid="app-description">Where the team decides where to eat.</p>')
  })

  it("opens the settings in a dialog, not in the page beside the chat", async () => {
    const html = await renderInRouter(<AppHeader {...header()} />)
    // The Settings button opens a dialog (Radix renders its content only once opened, in a portal).
    const settings = /<button [^>]*data-testid="app-settings"[^>]*>/.exec(html)?.[0]
    expect(settings).toContain('aria-haspopup="dialog"')
    expect(settings).toContain('aria-expanded="false"')
    // None of the settings' controls are in the page's flow: no rename field, no delete, no <details>.
    expect(html).not.toContain("app-name-input")
    expect(html).not.toContain("confirm-delete-app")
    expect(html).not.toContain("<details")
    expect(html).not.toContain('role="dialog"')
  })

  it("offers Publish… as a dialog, named for screen readers on a phone too", async () => {
    const html = await renderInRouter(<AppHeader {...header()} />)
    const publish = /<button [^>]*data-testid="publish-app"[^>]*>.*?<\/button>/.exec(html)?.[0]
    expect(publish).toContain('aria-haspopup="dialog"')
    expect(textOf(publish ?? "")).toBe("Publish…")
    expect(html).not.toContain("publish-form")
  })
})
