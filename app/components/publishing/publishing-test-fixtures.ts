// Publishing views for the publishing components' tests: a release, a review, a publish state and
// a diff, each overridable field by field.

import type { PublishState, ReleaseView, ReviewDiff, ReviewView } from "#shared/publishing/publishing.ts"

export const AT = "2026-03-05T14:03:00Z"

export const release = (number: number, extra: Partial<ReleaseView> = {}): ReleaseView => ({
  id: `r${number}`,
  number,
  versionId: `v${number}`,
  versionNumber: number + 2,
  audience: { visibility: "workspace", teamIds: [], teamNames: [] },
  publishedAt: AT,
  publishedBy: { id: "ada", name: "Ada Owner" },
  reviewId: null,
  rolledBackFromNumber: null,
  agentsMode: null,
  agentsDeclared: false,
  current: false,
  ...extra,
})

export const review = (extra: Partial<ReviewView> = {}): ReviewView => ({
  id: "rev1",
  appId: "app1",
  appName: "Lunch orders",
  status: "pending",
  requestedBy: { id: "bea", name: "Bea Member" },
  requestedAt: AT,
  audience: { visibility: "teams", teamIds: ["t1", "t2"], teamNames: ["Design", "Sales"] },
  note: "Please publish for the lunch crowd.",
  versionId: "v5",
  versionNumber: 5,
  reviewer: null,
  decidedAt: null,
  comment: null,
  supersededReason: null,
  ...extra,
})

export const publishState = (extra: Partial<PublishState> = {}): PublishState => ({
  published: null,
  pendingReview: null,
  changesRequested: null,
  canPublishDirectly: false,
  draftVersion: { id: "v5", number: 5 },
  draftIsPublished: false,
  draftMatchesRelease: false,
  draftAgents: { declared: false, approval: null, agentNames: [] },
  missingIntegrations: [],
  integrationsRequired: false,
  ...extra,
})

export const diff = (extra: Partial<ReviewDiff> = {}): ReviewDiff => ({
  base: { releaseNumber: 2, versionNumber: 4 },
  files: [
    {
      path: "src/App.tsx",
      change: "changed",
      addedLines: 1,
      removedLines: 1,
      lines: [
        { kind: "context", text: "export function App() {" },
        { kind: "removed", text: '  return <h1>Hello</h1>' },
        { kind: "added", text: '  return <h1>Lunch orders</h1>' },
      ],
    },
    { path: "public/logo.png", change: "added", addedLines: 0, removedLines: 0, lines: null },
  ],
  filesNotShown: 0,
  agents: [{ kind: "tool", subject: "orders/fetchMenu", change: "added", details: ["GET https://menu.example.com/today"] }],
  integrations: [],
  ...extra,
})
