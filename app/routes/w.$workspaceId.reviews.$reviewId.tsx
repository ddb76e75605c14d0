// One review request: what was asked (who, for whom, their note), what changed since the app's
// current release (agents and permissions, integrations, then files), what is still missing, and
// for owners and admins, after all that, the decision: Approve, or Request changes with a comment. Approving a request
// the app has outgrown is refused (review_stale), and the page says what happened instead.

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { Link, useActionData, useLoaderData, useRouteLoaderData } from "@remix-run/react"
import { ChevronLeft } from "lucide-react"
import { ID_PATTERN } from "#shared/ids.ts"
import { PUBLISH_REFUSALS } from "#shared/publishing/publishing.ts"
import { MissingIntegrations } from "../components/publishing/missing-integrations.tsx"
import { ReviewDecisionForms } from "../components/publishing/review-decision-forms.tsx"
import { ReviewDiffView } from "../components/publishing/review-diff.tsx"
import { ReviewRequest } from "../components/publishing/review-request.tsx"
import { ReviewOutcome } from "../components/publishing/review-outcome.tsx"
import { PageHeader, PageMain } from "../components/ui/page.tsx"
import { readForm } from "../forms/read-form.server.ts"
import { pageTitle, workspaceNameIn } from "../text/page-title.ts"
import { act, field, load, reply } from "../trpc/caller.server.ts"
import type { loader as workspaceLoader } from "./w.$workspaceId.tsx"

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle(data ? `Review of ${data.review.appName}` : "Review", workspaceNameIn(matches))

function reviewParams(params: LoaderFunctionArgs["params"]) {
  const reviewId = params["reviewId"] ?? ""
  if (!ID_PATTERN.test(reviewId)) throw new Response("Review not found.", { status: 404 })
  return { workspaceId: params["workspaceId"] ?? "", reviewId }
}

export async function loader(args: LoaderFunctionArgs) {
  const input = reviewParams(args.params)
  const found = await load(args, (caller) => caller.reviews.get(input))
  return { ...found, workspaceId: input.workspaceId }
}

export async function action(args: ActionFunctionArgs) {
  const input = reviewParams(args.params)
  const form = await readForm(args.request)
  const intent = field(form, "intent")
  switch (intent) {
    case "approve":
      return reply(await act(args, intent, (caller) => caller.reviews.approve(input)))
    case "request-changes":
      return reply(await act(args, intent, (caller) => caller.reviews.requestChanges({ ...input, comment: field(form, "comment") })))
    default:
      return reply({ ok: false, intent, status: 400, message: "Send intent approve, or request-changes with a comment." })
  }
}

export default function ReviewPage() {
  const { review, diff, missingIntegrations, canDecide, workspaceId } = useLoaderData<typeof loader>()
  const outcome = useActionData<typeof action>()
  const frame = useRouteLoaderData<typeof workspaceLoader>("routes/w.$workspaceId")
  const workspaceName = frame?.workspace.name ?? "the workspace"
  const canSetUp = frame?.workspace.permissions.includes("integrations:manage") ?? false
  const appHref = `/w/${workspaceId}/apps/${review.appId}`
  const deciding = canDecide && review.status === "pending"
  const stale = outcome && !outcome.ok && outcome.reasonCode === PUBLISH_REFUSALS.reviewStale
  return (
    <PageMain>
      <Link to={`/w/${workspaceId}/reviews`} className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
        <ChevronLeft className="size-4" aria-hidden />
        All reviews
      </Link>
      <PageHeader title={<span className="break-words">Publish {review.appName}?</span>} description={`Version ${review.versionNumber}, as asked by ${review.requestedBy.name}.`} />
      <div className="grid min-w-0 gap-6">
        <ReviewOutcome outcome={outcome} stale={stale ?? false} workspaceId={workspaceId} workspaceName={workspaceName} appId={review.appId} appHref={appHref} />
        <ReviewRequest review={review} workspaceName={workspaceName} appHref={appHref} />
        <MissingIntegrations missing={missingIntegrations} workspaceId={workspaceId} canSetUp={canSetUp} />
        {deciding ? (
          <p className="text-sm text-muted-foreground" data-testid="review-decide-hint">
            Read the changes below; <a href="#review-decide-title" className="font-medium text-primary underline-offset-4 hover:underline">your decision</a> comes after them.
          </p>
        ) : null}
        <ReviewDiffView diff={diff} />
        {/* Decided after reading: the forms come after the changes. */}
        {deciding ? (
          <ReviewDecisionForms
            action={`/w/${workspaceId}/reviews/${review.id}`}
            outcome={outcome}
            blockedBy={missingIntegrations.length > 0 ? "Approving is refused until the integrations named at the top are set up." : null}
          />
        ) : null}
      </div>
    </PageMain>
  )
}
