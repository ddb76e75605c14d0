import { describe, expect, it } from "vitest"
import { renderInRouter, textOf } from "#tests/fixtures/render-in-router.tsx"
import type { VersionView } from "../app-workspace/panel-context.ts"
import { VersionsPanel } from "./versions-panel.tsx"

const version = (number: number, extra: Partial<VersionView> = {}): VersionView => ({
  id: `v${number}`,
  number,
  createdAt: "2026-03-05T14:03:00Z",
  requestedBy: { id: "u", name: "Ada" },
  message: `Message ${number}`,
  summary: `Summary ${number}`,
  restoredFromNumber: null,
  current: false,
  ...extra,
})
const versions = [version(3, { current: true, restoredFromNumber: 1, message: null, requestedBy: null }), version(2), version(1)]
const render = (working: boolean) => renderInRouter(<VersionsPanel versions={versions} base="/w/w/apps/a" working={working} />)

describe("the Versions tab", () => {
  it("lists versions newest first: who asked, what changed, where a restore came from", async () => {
    const items = [...(await render(false)).matchAll(/<li [^>]*data-testid="version"[^>]*>(.*?)<\/li>/g)].map(([, item]) => textOf(item ?? ""))
    expect(items[0]).toMatch(/^Version 3 current Mar 5, 2026, 14:03 UTC · restored from v1 Summary 3 Preview version 3$/)
    expect(items[1]).toMatch(/^Version 2 Mar 5, 2026, 14:03 UTC · asked by Ada Message 2 Summary 2 Preview version 2 Restore… \(version 2\)$/)
  })

  it("previews any version, and offers to restore an older one (confirmed in a dialog)", async () => {
    const html = await render(false)
    const links = [...html.matchAll(/<a [^>]*data-testid="version-preview"[^>]*>/g)].map(([tag]) => /href="([^"]+)"/.exec(tag)?.[1])
    expect(links).toEqual([
      "/w/w/apps/a/preview",
      "/w/w/apps/a/preview?version=v2",
      "/w/w/apps/a/preview?version=v1",
    ])
    // The restore form is in the dialog each Restore button opens (rendered once opened).
    const restores = [...html.matchAll(/<button [^>]*data-testid="version-restore"[^>]*>/g)].map(([tag]) => tag)
    expect(restores).toHaveLength(2)
    for (const tag of restores) expect(tag).toContain('aria-haspopup="dialog"')
    expect(textOf(html)).toContain("Restore… (version 2)")
  })

  it("offers no restore while the builder works, and says why", async () => {
    const html = await render(true)
    expect(html).not.toContain('value="restore"')
    expect(html).toMatch(/<button type="button" [^>]*disabled="" aria-describedby="restore-working-reason"/)
    expect(textOf(html)).toContain("restore a version once it has finished")
  })
})
