// Reviews: the requests to publish apps to colleagues, pending ones first (what an admin acts on),
// decided ones below. Admins see every request; members those of the apps they build.

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { useLoaderData, useRouteLoaderData } from "@remix-run/react"
import { ClipboardCheck } from "lucide-react"
import { ReviewRow } from "../components/publishing/review-row.tsx"
import { EmptyState } from "../components/ui/empty-state.tsx"
import { PageHeader, PageMain, SectionTitle } from "../components/ui/page.tsx"
import { pageTitle, workspaceNameIn } from "../text/page-title.ts"
import { load } from "../trpc/caller.server.ts"
import type { loader as workspaceLoader } from "./w.$workspaceId.tsx"

export const meta: MetaFunction = ({ matches }) => pageTitle("Reviews", workspaceNameIn(matches))

export async function loader(args: LoaderFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  const { reviews } = await load(args, (caller) => caller.reviews.list({ workspaceId }))
  return {
    workspaceId,
    pending: reviews.filter((review) => review.status === "pending"),
    decided: reviews.filter((review) => review.status !== "pending"),
  }
}

export default function Reviews() {
  const { workspaceId, pending, decided } = useLoaderData<typeof loader>()
  const frame = useRouteLoaderData<typeof workspaceLoader>("routes/w.$workspaceId")
  const workspaceName = frame?.workspace.name ?? "the workspace"
  const decides = frame?.workspace.permissions.includes("apps:publish") ?? false
  return (
    <PageMain>
      <PageHeader
        title="Reviews"
        description={
          decides
            ? "Requests to publish apps to colleagues. Read what changed, then approve or ask for changes."
            : "Your requests to publish apps to colleagues, and what the reviewers said."
        }
      />
      <section aria-labelledby="pending-reviews" className="mb-10">
        <SectionTitle id="pending-reviews">Waiting for review ({pending.length})</SectionTitle>
        {pending.length === 0 ? (
          <EmptyState icon={ClipboardCheck} title="Nothing waiting" data-testid="no-pending-reviews">
            {decides
              ? "When someone asks to publish an app, the request appears here."
              : "Use Publish… in an app you build to ask an owner or admin to publish it."}
          </EmptyState>
        ) : (
          <ul className="grid gap-2" aria-label="Waiting for review, newest first">
            {pending.map((review) => (
              <ReviewRow key={review.id} review={review} workspaceId={workspaceId} workspaceName={workspaceName} />
            ))}
          </ul>
        )}
      </section>
      {decided.length > 0 ? (
        <section aria-labelledby="decided-reviews">
          <SectionTitle id="decided-reviews">Decided</SectionTitle>
          <ul className="grid gap-2" aria-label="Decided, newest first">
            {decided.map((review) => (
              <ReviewRow key={review.id} review={review} workspaceId={workspaceId} workspaceName={workspaceName} />
            ))}
          </ul>
        </section>
      ) : null}
    </PageMain>
  )
}
