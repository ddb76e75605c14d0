// The Publish dialog's parts as the server renders them: where publishing stands, who the app is
// for, the one action the viewer has and why it cannot be pressed, and what is missing.

import { describe, expect, it } from "vitest"
import { renderInRouter, textOf } from "#tests/fixtures/render-in-router.tsx"
import { Dialog } from "../ui/dialog.tsx"
import { MissingIntegrations } from "./missing-integrations.tsx"
import { PublishForm } from "./publish-form.tsx"
import { PublishStatus } from "./publish-status.tsx"
import type { PublishProblem } from "./publish-problem.ts"
import { agentsWarning, audienceText, cannotPublishReason, releaseAgentsText, releaseLabel, rollbackAgentsSentence } from "./publishing-text.ts"
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
      <PublishForm state={state} teams={TEAMS} workspaceName="Acme" busy={false} problem={problem} onSubmit={() => {}} agentsHref="/w/w/apps/app1/agents" />
    </Dialog>,
  )
/** The values of the inputs named `name` that are checked ("t2+" for checked, "t1" not). */
const boxes = (html: string, name: string) =>
  [...html.matchAll(new RegExp(`<input [^>]*name="${name}"[^>]*>`, "g"))].map(([tag]) => `${/value="([^"]+)"/.exec(tag)?.[1]}${tag.includes('checked=""') ? "+" : ""}`)
const submitButton = (html: string) => /<button [^>]*data-testid="publish-submit"[^>]*>.*?<\/button>/.exec(html)?.[0] ?? ""
const status = (state: PublishState, canWithdraw = false, viewerId: string | null = null) =>
  renderInRouter(
    <PublishStatus state={state} workspaceId="w" workspaceName="Acme" appId="app1" canWithdraw={canWithdraw} withdrawing={false} onWithdraw={() => {}} viewerId={viewerId} />,
  )

describe("who an app is for, in words", () => {
  it("names the workspace or the teams", () => {
    expect(audienceText({ visibility: "workspace", teamIds: [], teamNames: [] }, "Acme")).toBe("Everyone in Acme")
    expect(audienceText({ visibility: "teams", teamIds: ["a"], teamNames: ["Design"] }, "Acme")).toBe("Design")
    expect(audienceText({ visibility: "teams", teamIds: ["a", "b", "c"], teamNames: ["Design", "Sales", "Ops"] }, "Acme")).toBe("Design, Sales and Ops")
  })

  it("says why there is nothing to publish: no build, or the published draft for the same people", () => {
    const everyone = { visibility: "workspace" as const, teamIds: [] }
    const design = { visibility: "teams" as const, teamIds: ["t1", "t2"] }
    const published = { audience: design }
    expect(cannotPublishReason({ draftVersion: null, draftMatchesRelease: false, published: null }, everyone)).toMatch(/no successful build/)
    expect(cannotPublishReason({ draftVersion: { number: 4 }, draftMatchesRelease: true, published }, { visibility: "teams", teamIds: ["t2", "t1"] })).toMatch(
      /Version 4 is published already for these people\. Choose another audience/,
    )
    // Another audience for the same version is a new release of it.
    expect(cannotPublishReason({ draftVersion: { number: 4 }, draftMatchesRelease: true, published }, everyone)).toBeNull()
    expect(cannotPublishReason({ draftVersion: { number: 4 }, draftMatchesRelease: true, published }, { visibility: "teams", teamIds: ["t1"] })).toBeNull()
    expect(cannotPublishReason({ draftVersion: { number: 4 }, draftMatchesRelease: false, published }, design)).toBeNull()
  })

  it("names releases with the version they were built as, and what their agents do", () => {
    expect(releaseLabel({ number: 3, versionNumber: 7 })).toBe("Release 3 · built as version 7")
    expect(releaseAgentsText({ agentsMode: "live", agentsDeclared: true })).toBe("agents live")
    expect(releaseAgentsText({ agentsMode: "mock", agentsDeclared: true })).toBe("agents on mock data only")
    expect(releaseAgentsText({ agentsMode: null, agentsDeclared: true })).toBe("agents not approved")
    expect(releaseAgentsText({ agentsMode: null, agentsDeclared: false })).toBeNull()
    expect(rollbackAgentsSentence({ agentsMode: null, agentsDeclared: true })).toBe("Its agents were not approved: they will not run.")
    expect(rollbackAgentsSentence({ agentsMode: "mock", agentsDeclared: true })).toMatch(/mock data/)
  })

  it("warns about agents that would not run live", () => {
    expect(agentsWarning({ declared: true, approval: "mock", agentNames: ["forecaster"] })).toBe(
      "The forecaster agent is not approved for live calls: in the published app it will answer with mock data.",
    )
    expect(agentsWarning({ declared: true, approval: null, agentNames: ["forecaster"] })).toBe("The forecaster agent is not approved at all: in the published app it will not run.")
    expect(agentsWarning({ declared: true, approval: "live", agentNames: ["forecaster"] })).toBeNull()
    expect(agentsWarning({ declared: false, approval: null, agentNames: [] })).toBeNull()
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

  it("disables Publish with the reason when there is no build, or the draft is published already for the chosen people", async () => {
    const published = release(2, { current: true })
    for (const state of [
      publishState({ canPublishDirectly: true, draftVersion: null }),
      publishState({ canPublishDirectly: true, published, draftIsPublished: true, draftMatchesRelease: true }),
    ]) {
      const html = await form(state)
      expect(submitButton(html)).toMatch(/disabled="" aria-describedby="[^"]+"/)
      expect(html).toContain('data-testid="publish-blocked-reason"')
    }
    expect(textOf(await form(publishState({ draftVersion: null })))).toContain("Nothing to publish yet")
  })

  it("enables Publish when the published draft is offered to other people than now", async () => {
    const published = release(2, { current: true, audience: { visibility: "teams", teamIds: ["t2"], teamNames: ["Sales"] } })
    const html = await form(publishState({ canPublishDirectly: true, published, draftIsPublished: true, draftMatchesRelease: true }))
    // It starts from the release's audience: nothing would change, so the button says so.
    expect(submitButton(html)).toContain('disabled=""')
    expect(textOf(html)).toContain("published already for these people")
  })

  it("warns before publishing agents that are not approved, with the way to the Agents tab", async () => {
    const html = await form(publishState({ draftAgents: { declared: true, approval: null, agentNames: ["forecaster"] } }))
    expect(textOf(html)).toContain("The forecaster agent is not approved at all: in the published app it will not run.")
    expect(html).toContain('href="/w/w/apps/app1/agents"')
    expect(await form(publishState({ draftAgents: { declared: true, approval: "live", agentNames: ["forecaster"] } }))).not.toContain("publish-agents-warning")
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
    expect(textOf(html)).toMatch(/^Published: Release 3 · built as version 5, for Everyone in Acme by Ada Owner, Mar 5, 2026, 14:03 UTC Open the published app/)
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
    // The request as it was asked: its note too; "You" to its requester.
    expect(textOf(html)).toContain("Please publish for the lunch crowd.")
    expect(textOf(await status(state, true, "bea"))).toContain("You asked Mar 5, 2026, 14:03 UTC to publish version 5 for Design and Sales.")
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
