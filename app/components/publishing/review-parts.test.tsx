// The Reviews pages' and the release history's parts as the server renders them: the diff a
// reviewer reads (marked + and − as well as coloured), a request and its decision, the decision
// forms with a refused comment under its field, and the releases with rollback for admins only.

import { describe, expect, it } from "vitest"
import { renderInRouter, textOf } from "#tests/fixtures/render-in-router.tsx"
import { ReleasesSection } from "./releases-section.tsx"
import { commentProblem, ReviewDecisionForms } from "./review-decision-forms.tsx"
import { ReviewDiffView } from "./review-diff.tsx"
import { isPlatformFile } from "./platform-files.ts"
import { changesAskedOf } from "./review-attention.ts"
import { ReviewOutcome } from "./review-outcome.tsx"
import { ReviewRequest } from "./review-request.tsx"
import { ReviewRow } from "./review-row.tsx"
import { diff, release, review } from "./publishing-test-fixtures.ts"

describe("the diff a reviewer reads", () => {
  it("lists the files with their line counts, each line marked + or − and named for screen readers", async () => {
    const html = await renderInRouter(<ReviewDiffView diff={diff()} />)
    const text = textOf(html)
    expect(text).toContain("Compared with release 2 (built as version 4)")
    expect(text).toContain("src/App.tsx changed +1 −1 1 line added, 1 line removed")
    const code = /<code [^>]*>(.*?)<\/code>/.exec(html)?.[1] ?? ""
    const lines = code
      .split(/<span class="[^"]*" data-kind="/)
      .slice(1)
      .map((line) => `${line.slice(0, line.indexOf('"'))}|${textOf(`<${line}`)}`)
    expect(lines).toEqual(["context|export function App() {", "removed|− Removed: return <h1>Hello</h1>", "added|+ Added: return <h1>Lunch orders</h1>"])
    // Code keeps its lines and scrolls sideways within its own focusable box.
    expect(html).toMatch(/<pre tabindex="0" class="[^"]*overflow-auto[^"]*" aria-label="Changes to src\/App.tsx, line by line"/)
    expect(html).toContain("whitespace-pre")
    expect(text).toContain("public/logo.png new +0 −0 0 lines added, 0 lines removed Binary, or too large to show line by line.")
  })

  it("puts agents and integrations first, the app's own files next, and the platform's files last, collapsed", async () => {
    const platformFile = (path: string) => ({ path, change: "changed" as const, addedLines: 2, removedLines: 0, lines: [{ kind: "added" as const, text: "x" }] })
    const withPlatform = diff({
      files: [platformFile("package-lock.json"), ...diff().files, platformFile("src/lib/second/data.ts"), platformFile("tsconfig.node.json"), platformFile("vite.config.ts")],
    })
    const html = await renderInRouter(<ReviewDiffView diff={withPlatform} />)
    const text = textOf(html)
    expect(text.indexOf("Agents and permissions")).toBeLessThan(text.indexOf("Integrations"))
    expect(text.indexOf("Integrations")).toBeLessThan(text.indexOf("src/App.tsx"))
    const group = html.slice(html.lastIndexOf("<details", html.indexOf('data-testid="review-platform-files"')))
    expect(/^<details [^>]*>/.exec(group)?.[0]).not.toContain(" open=")
    expect(textOf(group)).toMatch(/^Platform and configuration files \(4\) package-lock\.json .* src\/lib\/second\/data\.ts .* tsconfig\.node\.json .* vite\.config\.ts /)
    // The app's own files come before the group, outside it.
    expect(html.indexOf('data-path="src/App.tsx"')).toBeLessThan(html.indexOf("review-platform-files"))
    expect(group).not.toContain("src/App.tsx")
  })

  it("lists agent and permission changes in words, and says when nothing changed", async () => {
    const text = textOf(await renderInRouter(<ReviewDiffView diff={diff({ base: null, filesNotShown: 3 })} />))
    expect(text).toContain("Nothing of this app is published yet")
    expect(text).toContain("tool orders/fetchMenu + added GET https://menu.example.com/today")
    expect(text).toContain("No integration changed.")
    expect(text).toContain("And 3 more files not shown here.")
  })
})

describe("a review request", () => {
  it("says who asked, for whom, their note, and once decided who decided and what they said", async () => {
    const pending = textOf(await renderInRouter(<ReviewRequest review={review()} workspaceName="Acme" appHref="/w/w/apps/app1" />))
    expect(pending).toContain("The request Waiting for review Asked by Bea Member, Mar 5, 2026, 14:03 UTC For Design and Sales Version Version 5 of Lunch orders")
    expect(pending).toContain("Their note Please publish for the lunch crowd.")
    const decided = review({ status: "changes_requested", reviewer: { id: "ada", name: "Ada Owner" }, decidedAt: "2026-03-06T09:00:00Z", comment: "Add totals." })
    expect(textOf(await renderInRouter(<ReviewRequest review={decided} workspaceName="Acme" appHref="/w/w/apps/app1" />))).toContain(
      "Changes requested by Ada Owner, Mar 6, 2026, 09:00 UTC Add totals.",
    )
  })

  it("is one link in the list, to its own page", async () => {
    const html = await renderInRouter(<ReviewRow review={review({ audience: { visibility: "workspace", teamIds: [], teamNames: [] } })} workspaceId="w" workspaceName="Acme" />)
    expect(html).toContain('href="/w/w/reviews/rev1"')
    expect(textOf(html)).toContain("Lunch orders Waiting for review Bea Member asked Mar 5, 2026, 14:03 UTC to publish version 5 for Everyone in Acme")
  })
})

describe("an admin's decision", () => {
  it("offers Approve, and Request changes with a required comment", async () => {
    const html = await renderInRouter(<ReviewDecisionForms action="/w/w/reviews/rev1" outcome={undefined} blockedBy={null} />)
    expect(html).toMatch(/<button type="submit" [^>]*name="intent" value="approve"/)
    // Checked by the page's own rule, not the browser's bubble.
    expect(html).toMatch(/<form [^>]*novalidate=""/)
    expect(html).toMatch(/<textarea [^>]*name="comment" aria-required="true"/)
    expect(html).not.toContain('aria-invalid="')
  })

  it("refuses a blank or invisible-only comment in the browser with the server's rule", () => {
    expect(commentProblem("   \n ")).toBe("The comment must say what to change.")
    expect(commentProblem("\u200b\u200b")).toBe("The comment must say what to change.")
    expect(commentProblem(null)).toBe("The comment must say what to change.")
    expect(commentProblem("Add a total per person.")).toBeNull()
  })

  it("shows a refused comment under its field", async () => {
    const outcome = { ok: false, intent: "request-changes", message: "comment: the comment must say what to change", issues: [{ path: "comment", message: "the comment must say what to change" }] }
    const html = await renderInRouter(<ReviewDecisionForms action="/w/w/reviews/rev1" outcome={outcome} blockedBy={null} />)
    expect(html).toMatch(/<textarea [^>]*aria-invalid="true" aria-describedby="request-changes-comment-problem"/)
    expect(html).toContain('<p id="request-changes-comment-problem" class="text-sm text-destructive" data-testid="review-comment-problem">The comment must say what to change.</p>')
    // One field: no second notice telling to fix what is marked.
    expect(html).not.toContain("Nothing was saved")
  })

  it("disables Approve, saying why, while integrations are missing", async () => {
    const html = await renderInRouter(<ReviewDecisionForms action="/w/w/reviews/rev1" outcome={undefined} blockedBy="Set up the integrations first." />)
    expect(html).toMatch(/value="approve" disabled="" aria-describedby="approve-blocked"/)
  })

  it("explains a stale approval and links to the app", async () => {
    const outcome = { ok: false as const, intent: "approve", message: "The app changed.", reasonCode: "review_stale" }
    const html = await renderInRouter(<ReviewOutcome outcome={outcome} stale workspaceId="w" workspaceName="Acme" appId="app1" appHref="/w/w/apps/app1" />)
    expect(textOf(html)).toContain("Not published: the app changed since this request")
    expect(textOf(html)).toContain("this request was superseded")
    expect(html).toContain('href="/w/w/apps/app1"')
  })

  it("confirms an approval with the way to the published app", async () => {
    const outcome = { ok: true as const, intent: "approve", data: release(4, { current: true }) }
    const html = await renderInRouter(<ReviewOutcome outcome={outcome} stale={false} workspaceId="w" workspaceName="Acme" appId="app1" appHref="/w/w/apps/app1" />)
    expect(textOf(html)).toContain("Published: release 4 Release 4 (built as version 6) is now what Everyone in Acme can open and use.")
    expect(html).toContain('href="/w/w/a/app1"')
  })
})

describe("telling builders apart from the platform, and members about decisions", () => {
  it("knows the template's files by path", () => {
    for (const path of ["src/lib/second/data.ts", "src/lib/second-sdk.ts", "package-lock.json", "package.json", "tsconfig.json", "tsconfig.app.json", "vite.config.ts", "index.html"]) {
      expect(isPlatformFile(path)).toBe(true)
    }
    for (const path of ["src/App.tsx", "src/main.tsx", "agents.json", "second.json", "src/lib/orders.ts", "docs/index.html"]) expect(isPlatformFile(path)).toBe(false)
  })

  it("counts a member's requests sent back for changes that they have not asked again about", () => {
    const mine = { id: "bea", name: "Bea" }
    const other = { id: "cy", name: "Cy" }
    const ask = (appId: string, status: "pending" | "changes_requested" | "approved", requestedAt: string, requestedBy = mine) =>
      review({ id: `${appId}-${requestedAt}`, appId, status, requestedAt, requestedBy })
    const reviews = [
      ask("a", "changes_requested", "2026-03-02T00:00:00Z"),
      ask("b", "changes_requested", "2026-03-01T00:00:00Z"),
      ask("b", "pending", "2026-03-03T00:00:00Z"),
      ask("c", "changes_requested", "2026-03-01T00:00:00Z", other),
      ask("d", "approved", "2026-03-01T00:00:00Z"),
    ]
    expect(changesAskedOf(reviews, "bea")).toBe(1)
    expect(changesAskedOf(reviews, "cy")).toBe(1)
    expect(changesAskedOf([], "bea")).toBe(0)
  })
})

describe("the release history", () => {
  const releases = [
    release(3, { current: true, rolledBackFromNumber: 1 }),
    release(2, { reviewId: "rev1", agentsMode: "mock", audience: { visibility: "teams", teamIds: ["t1"], teamNames: ["Design"] } }),
    release(1, { agentsDeclared: true }),
  ]
  const render = (canPublish: boolean) =>
    renderInRouter(<ReleasesSection releases={releases} canPublish={canPublish} workspaceId="w" workspaceName="Acme" appId="app1" action="/w/w/apps/app1/versions" outcome={undefined} />)

  it("lists releases newest first: version, audience, who, review or direct, rollbacks", async () => {
    const html = await render(false)
    const items = [...html.matchAll(/<li [^>]*data-testid="release"[^>]*>(.*?)<\/li>/g)].map(([, item]) => textOf(item ?? ""))
    expect(items).toEqual([
      "Release 3 · built as version 5 live For Everyone in Acme Ada Owner, Mar 5, 2026, 14:03 UTC · a rollback to release 1",
      "Release 2 · built as version 4 agents on mock data only For Design Ada Owner, Mar 5, 2026, 14:03 UTC · approved in a review",
      "Release 1 · built as version 3 agents not approved For Everyone in Acme Ada Owner, Mar 5, 2026, 14:03 UTC · published directly",
    ])
    expect(html).toContain('href="/w/w/a/app1"')
    expect(html).toContain('href="/w/w/reviews/rev1"')
    expect(html).not.toContain("release-rollback")
    expect(html).not.toContain('data-testid="unpublish"')
  })

  it("offers admins a rollback to each earlier release and Unpublish, each confirmed in a dialog", async () => {
    const html = await render(true)
    const rollbacks = [...html.matchAll(/<button [^>]*data-testid="release-rollback"[^>]*>/g)].map(([tag]) => tag)
    expect(rollbacks).toHaveLength(2)
    for (const tag of rollbacks) expect(tag).toContain('aria-haspopup="dialog"')
    expect(/<button [^>]*data-testid="unpublish"[^>]*>/.exec(html)?.[0]).toContain('aria-haspopup="dialog"')
  })

  it("says when nothing is published", async () => {
    const html = await renderInRouter(<ReleasesSection releases={[]} canPublish workspaceId="w" workspaceName="Acme" appId="app1" action="/x" outcome={undefined} />)
    expect(textOf(html)).toContain("Published not published Colleagues cannot open this app yet.")
    expect(html).not.toContain('href="/w/w/a/app1"')
  })
})
