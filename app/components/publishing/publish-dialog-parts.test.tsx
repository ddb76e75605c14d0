// The Publish dialog's parts as the server renders them: where publishing stands, who the app is
// for, the one action the viewer has and why it cannot be pressed, and what is missing.

import { describe, expect, it } from "vitest"
import { renderInRouter, textOf } from "#tests/fixtures/render-in-router.tsx"
import { Dialog } from "../ui/dialog.tsx"
import { MissingIntegrations } from "./missing-integrations.tsx"
import { PublishForm } from "./publish-form.tsx"
import { PublishStatus } from "./publish-status.tsx"
import type { PublishProblem } from "./publish-problem.ts"
import { audienceText, cannotPublishReason } from "./publishing-text.ts"
import { publishState, release, review } from "./publishing-test-fixtures.ts"
import type { PublishState } from "#shared/publishing/publishing.ts"

const TEAMS = [
  { id: "t1", name: "Design" },
  { id: "t2", name: "Sales" },
  { id: "t3", name: "Ops" },
]

const form = (state: PublishState, problem: PublishProblem | null = null) =>
  renderInRouter(
    // DialogClose (Cancel) belongs inside a Dialog.
    <Dialog>
      <PublishForm state={state} teams={TEAMS} workspaceName="Acme" busy={false} problem={problem} onSubmit={() => {}} />
    </Dialog>,
  )
/** The values of the inputs named `name` that are checked ("t2+" for checked, "t1" not). */
const boxes = (html: string, name: string) =>
  [...html.matchAll(new RegExp(`<input [^>]*name="${name}"[^>]*>`, "g"))].map(([tag]) => `${/value="([^"]+)"/.exec(tag)?.[1]}${tag.includes('checked=""') ? "+" : ""}`)
const submitButton = (html: string) => /<button [^>]*data-testid="publish-submit"[^>]*>.*?<\/button>/.exec(html)?.[0] ?? ""
const status = (state: PublishState, canWithdraw = false) =>
  renderInRouter(<PublishStatus state={state} workspaceId="w" workspaceName="Acme" appId="app1" canWithdraw={canWithdraw} withdrawing={false} onWithdraw={() => {}} />)

describe("who an app is for, in words", () => {
  it("names the workspace or the teams", () => {
    expect(audienceText({ visibility: "workspace", teamIds: [], teamNames: [] }, "Acme")).toBe("Everyone in Acme")
    expect(audienceText({ visibility: "teams", teamIds: ["a"], teamNames: ["Design"] }, "Acme")).toBe("Design")
    expect(audienceText({ visibility: "teams", teamIds: ["a", "b", "c"], teamNames: ["Design", "Sales", "Ops"] }, "Acme")).toBe("Design, Sales and Ops")
  })

  it("says why there is nothing to publish", () => {
    expect(cannotPublishReason({ draftVersion: null, draftIsPublished: false })).toMatch(/no successful build/)
    expect(cannotPublishReason({ draftVersion: { number: 4 }, draftIsPublished: true })).toMatch(/Version 4 is published already/)
    expect(cannotPublishReason({ draftVersion: { number: 4 }, draftIsPublished: false })).toBeNull()
  })
})

describe("the Publish dialog's form", () => {
  it("offers a member Request review, for everyone in the workspace to start with", async () => {
    const html = await form(publishState())
    expect(textOf(submitButton(html))).toBe("Request review")
    expect(submitButton(html)).not.toContain('disabled=""')
    expect(boxes(html, "visibility")).toEqual(["workspace+", "teams"])
    expect(textOf(html)).toContain("Everyone in Acme")
    expect(textOf(html)).toContain("Note for the reviewer (optional)")
    // The teams' boxes appear once "Chosen teams" is picked.
    expect(html).not.toContain('name="teamIds"')
  })

  it("offers owners and admins Publish, starting from the audience published now", async () => {
    const published = release(2, { current: true, audience: { visibility: "teams", teamIds: ["t2"], teamNames: ["Sales"] } })
    const html = await form(publishState({ canPublishDirectly: true, published }))
    expect(textOf(submitButton(html))).toBe("Publish")
    expect(boxes(html, "visibility")).toEqual(["workspace", "teams+"])
    expect(boxes(html, "teamIds")).toEqual(["t1", "t2+", "t3"])
  })

  it("disables Publish with the reason when there is no build, or the draft is published already", async () => {
    for (const state of [publishState({ canPublishDirectly: true, draftVersion: null }), publishState({ canPublishDirectly: true, draftIsPublished: true })]) {
      const html = await form(state)
      expect(submitButton(html)).toMatch(/disabled="" aria-describedby="[^"]+"/)
      expect(html).toContain('data-testid="publish-blocked-reason"')
    }
    expect(textOf(await form(publishState({ draftVersion: null })))).toContain("Nothing to publish yet")
  })

  it("does not let a member ask twice while a review is pending", async () => {
    const html = await form(publishState({ pendingReview: review() }))
    expect(submitButton(html)).toContain('disabled=""')
    expect(textOf(html)).toContain("A review of this app is pending: withdraw it to ask again")
    // It starts from what was asked for.
    expect(boxes(html, "teamIds")).toEqual(["t1+", "t2+", "t3"])
  })

  it("shows a refused team under the teams, and the server's refusal above the buttons", async () => {
    const state = publishState({ pendingReview: null, changesRequested: review({ status: "changes_requested" }) })
    const teamProblem: PublishProblem = { ok: false, message: "invalid", reasonCode: null, issues: [{ path: "teamIds", message: "teamIds: no team t9 in this workspace" }] }
    const html = await form(state, teamProblem)
    expect(html).toMatch(/<fieldset [^>]*aria-describedby="([^"]+)"[^]*<p id="\1" class="text-sm text-destructive">teamIds: no team t9 in this workspace<\/p>/)
    const pending: PublishProblem = { ok: false, message: "A review of Lunch orders is pending already.", reasonCode: "review_pending", issues: [] }
    expect(textOf(await form(state, pending))).toContain("A review of Lunch orders is pending already.")
  })
})

describe("where publishing stands", () => {
  it("says what colleagues use now, and links to the published app", async () => {
    const html = await status(publishState({ published: release(3, { current: true }) }))
    expect(textOf(html)).toMatch(/^Published: release 3 \(version 5\) for Everyone in Acme by Ada Owner, Mar 5, 2026, 14:03 UTC Open the published app/)
    expect(html).toContain('href="/w/w/a/app1"')
  })

  it("shows a pending review with who asked, the way to it, and Withdraw for who may", async () => {
    const state = publishState({ pendingReview: review() })
    const html = await status(state, true)
    expect(textOf(html)).toContain("Not published")
    expect(textOf(html)).toContain("Bea Member asked Mar 5, 2026, 14:03 UTC to publish version 5 for Design and Sales.")
    expect(html).toContain('href="/w/w/reviews/rev1"')
    expect(html).toContain('data-testid="withdraw-review"')
    expect(await status(state, false)).not.toContain('data-testid="withdraw-review"')
  })

  it("shows the reviewer's comment when changes were asked for", async () => {
    const changes = review({ status: "changes_requested", reviewer: { id: "ada", name: "Ada Owner" }, decidedAt: "2026-03-06T09:00:00Z", comment: "Add a total per person." })
    expect(textOf(await status(publishState({ changesRequested: changes })))).toContain("Changes requested Ada Owner asked for changes Mar 6, 2026, 09:00 UTC : Add a total per person.")
  })
})

describe("missing integrations", () => {
  const missing = [{ domain: "api.zendesk.com", name: "Zendesk", missing: "store the secret ZENDESK_TOKEN" }]

  it("says what is missing; admins get the way to Settings → Integrations", async () => {
    const admin = await renderInRouter(<MissingIntegrations missing={missing} workspaceId="w" canSetUp />)
    expect(textOf(admin)).toContain("Zendesk (api.zendesk.com): store the secret ZENDESK_TOKEN")
    expect(admin).toContain('href="/w/w/settings/integrations"')
    const member = await renderInRouter(<MissingIntegrations missing={missing} workspaceId="w" canSetUp={false} />)
    expect(member).not.toContain("href=")
    expect(textOf(member)).toContain("An owner or admin of the workspace sets them up")
    expect(await renderInRouter(<MissingIntegrations missing={[]} workspaceId="w" canSetUp />)).toBe("")
  })
})
