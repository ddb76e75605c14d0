import { describe, expect, it } from "vitest"
import { auditFields } from "./audit-details.ts"
import type { AuditDirectory, AuditEventView } from "./audit-sentence.ts"

const APP = "a".repeat(24)
const DESIGN = "t".repeat(24)
const OPS = "o".repeat(24)
const REVIEW = "r".repeat(24)

const directory: AuditDirectory = { people: {}, teams: { [DESIGN]: "Design", [OPS]: "Ops" }, apps: { [APP]: "Lunch orders" }, invitations: {} }

const event = (action: string, fields: Partial<AuditEventView>): AuditEventView => ({
  id: "e".repeat(24),
  occurredAt: "2025-03-05T14:03:00.000Z",
  actorUserId: null,
  action,
  targetType: "app",
  targetId: APP,
  before: null,
  after: null,
  ...fields,
})

describe("the details of a publishing event", () => {
  it("read as release, version and audience with team names, with the review and hashes as secondary", () => {
    const published = event("app.published", {
      after: { releaseNumber: 3, reviewId: REVIEW, rolledBackFromNumber: 1, versionNumber: 7, visibility: "teams", teamIds: [DESIGN, OPS], sourceHash: "sha256:ab", agentsHash: "v1:cd" },
    })
    expect(auditFields(published, directory)).toEqual([
      { label: "Release", before: null, after: "3" },
      { label: "Version", before: null, after: "7" },
      { label: "Audience", before: null, after: "the teams Design, Ops" },
      { label: "Rolled back from release", before: null, after: "1" },
      { label: "Review", before: null, after: REVIEW, secondary: true },
      { label: "Source hash", before: null, after: "sha256:ab", secondary: true },
      { label: "Agents hash", before: null, after: "v1:cd", secondary: true },
    ])
  })

  it("leave out what is empty on both sides (a direct publish has no review)", () => {
    const direct = event("app.published", { after: { releaseNumber: 1, reviewId: null, versionNumber: 2, visibility: "workspace", teamIds: [], sourceHash: null, agentsHash: null } })
    expect(auditFields(direct, directory)).toEqual([
      { label: "Release", before: null, after: "1" },
      { label: "Version", before: null, after: "2" },
      { label: "Audience", before: null, after: "the whole workspace" },
      { label: "Agents hash", before: null, after: "none (no agents.json)", secondary: true },
    ])
    const decided = event("review.changes_requested", { before: { status: "pending" }, after: { reviewId: REVIEW, versionNumber: 2, visibility: "teams", teamIds: [DESIGN], status: "changes_requested" } })
    expect(auditFields(decided, directory)).toEqual([
      { label: "Version", before: null, after: "2" },
      { label: "Audience", before: null, after: "the team Design" },
      { label: "Status", before: "pending", after: "changes requested" },
      { label: "Review", before: null, after: REVIEW, secondary: true },
    ])
  })

  it("show runtime settings by the names on the Runtime page, on or off", () => {
    const changed = event("workspace.runtime_settings_changed", {
      targetType: "workspace",
      before: { scripts: true, clipboard: true, externalLinks: false },
      after: { scripts: false, clipboard: true, externalLinks: true },
    })
    expect(auditFields(changed, directory)).toEqual([
      { label: "Run scripts", before: "on", after: "off" },
      { label: "Copy to the clipboard", before: "on", after: "on" },
      { label: "Open other sites", before: "off", after: "on" },
    ])
  })

  it("leave out fields of other events that are empty on both sides", () => {
    expect(auditFields(event("app.something", { before: { note: null }, after: { note: null, name: "B" } }), directory)).toEqual([{ label: "Name", before: null, after: "B" }])
  })
})
