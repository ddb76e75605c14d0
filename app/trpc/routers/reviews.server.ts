// Review requests across the workspace: the Reviews page's list, one review with its diff, and the
// decisions (approve, request changes) owners and admins make.

import { z } from "zod"
import { REVIEW_TEXT_MAX_CHARS } from "#shared/publishing/publishing.ts"
import { approveReview, requestChanges } from "../../publishing/review-decisions.server.ts"
import { getReview, listReviews } from "../../publishing/review-reading.server.ts"
import { hasVisibleText } from "../../text/names.ts"
import { createTRPCRouter, idSchema, workspaceProcedure } from "../init.server.ts"

const reviewInput = z.object({ reviewId: idSchema })

export const reviewsRouter = createTRPCRouter({
  /** Newest first; admins see every review, members those of apps they build. */
  list: workspaceProcedure("apps:build")
    .input(z.object({ status: z.enum(["pending", "decided"], { message: 'status must be "pending" or "decided"' }).optional() }))
    .query(({ ctx, input }) => listReviews(ctx.services, ctx.scope, input.status)),

  /** One review, the diff against the current release, what is missing, and whether the viewer may decide. */
  get: workspaceProcedure("apps:build")
    .input(reviewInput)
    .query(({ ctx, input }) => getReview(ctx.services, ctx.scope, input.reviewId)),

  /** Promotes the reviewed draft to a release; CONFLICT (review_stale) when the draft moved on. */
  approve: workspaceProcedure("apps:publish")
    .input(reviewInput)
    .mutation(({ ctx, input }) => approveReview(ctx.services, ctx.scope, input.reviewId)),

  /** Refuses the request with a comment the requester reads. */
  requestChanges: workspaceProcedure("apps:publish")
    .input(
      reviewInput.extend({
        comment: z
          .string()
          .trim()
          .max(REVIEW_TEXT_MAX_CHARS, `the comment must be at most ${REVIEW_TEXT_MAX_CHARS.toLocaleString("en-US")} characters`)
          // Invisible characters alone (U+200B…) would send the request back with nothing to read.
          .refine(hasVisibleText, "the comment must say what to change"),
      }),
    )
    .mutation(({ ctx, input }) => requestChanges(ctx.services, ctx.scope, input.reviewId, input.comment)),
})
