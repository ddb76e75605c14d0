import { describe, expect, it } from "vitest"
import { renderInRouter, textOf } from "#tests/fixtures/render-in-router.tsx"
import { DEFAULT_FRAME_POLICY } from "./preview-frame.tsx"
import { PreviewPanel, type PreviewPanelProps } from "./preview-panel.tsx"
import { isPreviewUrl } from "./use-preview.ts"

const versions = [
  { id: "v4", number: 4, createdAt: "2026-03-05T14:03:00Z", current: true },
  { id: "v2", number: 2, createdAt: "2026-03-04T10:00:00Z", current: false },
]
const props = (extra: Partial<PreviewPanelProps> = {}): PreviewPanelProps => ({
  workspaceId: "w",
  appId: "a",
  appName: "Lunch",
  loaded: { versionId: "v4", number: 4, url: "/preview/token/" },
  pinned: null,
  pinnedMissing: false,
  versions,
  working: false,
  building: false,
  viewHref: (versionId) => `/w/w/apps/a/view${versionId ? `?version=${versionId}` : ""}`,
  ...extra,
})

describe("the Preview", () => {
  it("says there is nothing yet for an app never built, and that it is building while it is", async () => {
    expect(textOf(await renderInRouter(<PreviewPanel {...props({ loaded: null, versions: [] })} />))).toMatch(/^Nothing built yet Ask the builder in the chat/)
    const building = await renderInRouter(<PreviewPanel {...props({ loaded: null, versions: [], working: true, building: true })} />)
    expect(textOf(building)).toMatch(/Building…/)
    expect(building).toMatch(/role="status" aria-busy="true"/)
    expect(building).toContain('aria-label="Building the app"')
  })

  it("shows the version and the way to reload it or open it in a tab; the frame waits for the page to be live", async () => {
    const html = await renderInRouter(<PreviewPanel {...props()} />)
    expect(textOf(html)).toMatch(/^v4 · Mar 5, 2026, 14:03 UTC/)
    expect(html).toMatch(/<a [^>]*href="\/w\/w\/apps\/a\/view" target="_blank" rel="noopener noreferrer"[^>]*>.*?<span class="sr-only">Open in new tab<\/span><\/a>/)
    expect(html).toContain('aria-label="Reload the preview"')
    expect(html).toContain('aria-label="Version to preview"')
    // Rendered by the server without its address: the bridge must listen before the app can speak.
    expect(html).not.toContain("<iframe")
    expect(html).toContain('data-testid="preview-frame-pending"')
  })

  it("says which older version it shows, with the way back", async () => {
    const html = await renderInRouter(<PreviewPanel {...props({ loaded: { versionId: "v2", number: 2, url: "/preview/t2/" }, pinned: "v2" })} />, "http://localhost/w/w/apps/a/preview?version=v2&show=60")
    expect(textOf(html)).toContain("Showing version 2, with the app's current data: what you change here is changed for everyone · Back to current")
    expect(html).toMatch(/<a [^>]*href="\/w\/w\/apps\/a\/preview\?show=60"[^>]*>Back to current<\/a>/)
    expect(html).toContain('href="/w/w/apps/a/view?version=v2"')
  })
})

describe("the preview frame", () => {
  it("is sandboxed without allow-same-origin", () => {
    expect(DEFAULT_FRAME_POLICY.sandbox.split(" ")).toEqual(["allow-scripts", "allow-forms", "allow-modals", "allow-popups", "allow-popups-to-escape-sandbox"])
  })

  it("loads only this server's preview paths", () => {
    expect(isPreviewUrl("/preview/abc_-123/")).toBe(true)
    for (const url of ["https://evil.example/preview/x/", "//evil.example/preview/x/", "/preview/../api/trpc/", "/preview//x", "javascript:alert(1)", "/previewx/"]) {
      expect(isPreviewUrl(url), url).toBe(false)
    }
  })
})
