// Publishing an app to colleagues, from the builder: the Publish dialog's state, publishing (or
// asking for a review), unpublishing, the release history and rolling back, withdrawing a review.

import { z } from "zod"
import { MAX_AUDIENCE_TEAMS, REVIEW_TEXT_MAX_CHARS, VISIBILITIES } from "#shared/publishing/publishing.ts"
import { publishApp, rollbackToRelease, unpublishApp } from "../../publishing/publish.server.ts"
import { listReleases, publishState } from "../../publishing/publish-state.server.ts"
import { withdrawReview } from "../../publishing/review-decisions.server.ts"
import { createTRPCRouter, idSchema, workspaceProcedure } from "../init.server.ts"

const appInput = z.object({ appId: idSchema })

const visibilitySchema = z.enum(VISIBILITIES, { message: 'visibility must be "workspace" or "teams"' })

export const publishInput = appInput
  .extend({
    visibility: visibilitySchema,
    teamIds: z
      .array(idSchema)
      .max(MAX_AUDIENCE_TEAMS, `teamIds: at most ${MAX_AUDIENCE_TEAMS} teams`)
      .default([]),
    note: z
      .string()
      .trim()
      .max(REVIEW_TEXT_MAX_CHARS, `the note must be at most ${REVIEW_TEXT_MAX_CHARS.toLocaleString("en-US")} characters`)
      .optional(),
    requestReview: z.boolean().optional(),
  })
  .refine((input) => input.visibility !== "teams" || input.teamIds.length > 0, {
    message: 'teamIds: choose at least one team when visibility is "teams"',
    path: ["teamIds"],
  })

export const publishingRouter = createTRPCRouter({
  /** What the Publish dialog shows: the current release, a pending or refused review, what is missing. */
  state: workspaceProcedure("apps:build")
    .input(appInput)
    .query(({ ctx, input }) => publishState(ctx.services, ctx.scope, input.appId)),

  /** Owners and admins publish directly (unless requestReview); members create a review request. */
  publish: workspaceProcedure("apps:build")
    .input(publishInput)
    .mutation(({ ctx, input }) => publishApp(ctx.services, ctx.scope, input)),

  /** Colleagues lose the app; its releases stay as history. */
  unpublish: workspaceProcedure("apps:publish")
    .input(appInput)
    .mutation(async ({ ctx, input }) => {
      await unpublishApp(ctx.services, ctx.scope, input.appId)
      return { ok: true as const }
    }),

  /** The published version history, newest first. */
  releases: workspaceProcedure("apps:build")
    .input(appInput)
    .query(({ ctx, input }) => listReleases(ctx.services, ctx.scope, input.appId)),

  /** A new release serving an earlier release's version, agents and audience. */
  rollback: workspaceProcedure("apps:publish")
    .input(appInput.extend({ releaseId: idSchema }))
    .mutation(({ ctx, input }) => rollbackToRelease(ctx.services, ctx.scope, input.appId, input.releaseId)),

  /** The app's pending review, taken back by its requester (or an admin). */
  withdrawReview: workspaceProcedure("apps:build")
    .input(appInput)
    .mutation(({ ctx, input }) => withdrawReview(ctx.services, ctx.scope, input.appId)),
})
