// The Reviews pages' and the release history's parts as the server renders them: the diff a
// reviewer reads (marked + and − as well as coloured), a request and its decision, the decision
// forms with a refused comment under its field, and the releases with rollback for admins only.

import { describe, expect, it } from "vitest"
import { renderInRouter, textOf } from "#tests/fixtures/render-in-router.tsx"
import { ReleasesSection } from "./releases-section.tsx"
import { ReviewDecisionForms } from "./review-decision-forms.tsx"
import { ReviewDiffView } from "./review-diff.tsx"
import { ReviewOutcome } from "./review-outcome.tsx"
import { ReviewRequest } from "./review-request.tsx"
import { ReviewRow } from "./review-row.tsx"
import { diff, release, review } from "./publishing-test-fixtures.ts"

describe("the diff a reviewer reads", () => {
  it("lists the files with their line counts, each line marked + or − and named for screen readers", async () => {
    const html = await renderInRouter(<ReviewDiffView diff={diff()} />)
    const text = textOf(html)
    expect(text).toContain("Compared with release 2 (version 4)")
    expect(text).toContain("src/App.tsx changed +1 −1 : 1 lines added, 1 removed")
    const code = /<code [^>]*>(.*?)<\/code>/.exec(html)?.[1] ?? ""
    const lines = code
      .split(/<span class="[^"]*" data-kind="/)
      .slice(1)
      .map((line) => `${line.slice(0, line.indexOf('"'))}|${textOf(`<${line}`)}`)
    expect(lines).toEqual(["context|export function App() {", "removed|− Removed: return <h1>Hello</h1>", "added|+ Added: return <h1>Lunch orders</h1>"])
    // Code keeps its lines and scrolls sideways within its own focusable box.
    expect(html).toMatch(/<pre tabindex="0" class="[^"]*overflow-auto[^"]*" aria-label="Changes to src\/App.tsx, line by line"/)
    expect(html).toContain("whitespace-pre")
    expect(text).toContain("public/logo.png new +0 −0 : 0 lines added, 0 removed Binary, or too large to show line by line.")
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
    expect(html).toMatch(/<textarea [^>]*name="comment" required=""/)
    expect(html).not.toContain('aria-invalid="')
  })

  it("shows a refused comment under its field", async () => {
    const outcome = { ok: false, intent: "request-changes", message: "comment: the comment must say what to change", issues: [{ path: "comment", message: "the comment must say what to change" }] }
    const html = await renderInRouter(<ReviewDecisionForms action="/w/w/reviews/rev1" outcome={outcome} blockedBy={null} />)
    expect(html).toMatch(/<textarea [^>]*aria-invalid="true" aria-describedby="request-changes-comment-problem"/)
    expect(html).toContain('<p id="request-changes-comment-problem" class="text-sm text-destructive" data-testid="review-comment-problem">the comment must say what to change</p>')
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
    expect(textOf(html)).toContain("Published: release 4 Version 6 is now what Everyone in Acme can open and use.")
    expect(html).toContain('href="/w/w/a/app1"')
  })
})

describe("the release history", () => {
  const releases = [
    release(3, { current: true, rolledBackFromNumber: 1 }),
    release(2, { reviewId: "rev1", agentsMode: "mock", audience: { visibility: "teams", teamIds: ["t1"], teamNames: ["Design"] } }),
    release(1),
  ]
  const render = (canPublish: boolean) =>
    renderInRouter(<ReleasesSection releases={releases} canPublish={canPublish} workspaceId="w" workspaceName="Acme" appId="app1" action="/w/w/apps/app1/versions" outcome={undefined} />)

  it("lists releases newest first: version, audience, who, review or direct, rollbacks", async () => {
    const html = await render(false)
    const items = [...html.matchAll(/<li [^>]*data-testid="release"[^>]*>(.*?)<\/li>/g)].map(([, item]) => textOf(item ?? ""))
    expect(items).toEqual([
      "Release 3 live version 5 For Everyone in Acme Ada Owner, Mar 5, 2026, 14:03 UTC · a rollback to release 1",
      "Release 2 version 4 For Design Ada Owner, Mar 5, 2026, 14:03 UTC · approved in a review · agents on mock data",
      "Release 1 version 3 For Everyone in Acme Ada Owner, Mar 5, 2026, 14:03 UTC · published directly",
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
