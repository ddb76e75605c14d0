// App versions: the list (newest first), a preview URL for the current or a named version, and
// restoring an earlier version as a new one. Each version is a successful build (or a restore).

import { z } from "zod"
import { listVersions, previewVersion, versionView } from "../../apps/version-history.server.ts"
import { restoreVersion } from "../../apps/version-restore.server.ts"
import { createTRPCRouter, idSchema, workspaceProcedure } from "../init.server.ts"

const appInput = z.object({ appId: idSchema })

export const versionsRouter = createTRPCRouter({
  /** Up to VERSIONS_LISTED versions, newest first; `current` marks the one previews show. */
  list: workspaceProcedure("apps:build")
    .input(appInput)
    .query(({ ctx, input }) => listVersions(ctx.services, ctx.scope, input.appId)),

  /** A preview URL (`/preview/<token>/`) for the version, or the app's current one. */
  preview: workspaceProcedure("apps:build")
    .input(appInput.extend({ versionId: idSchema.optional() }))
    .query(({ ctx, input }) => previewVersion(ctx.services, ctx.scope, input.appId, input.versionId)),

  /** Makes the version's source the app's current one as a new version (as list shows it); CONFLICT while a turn runs. */
  restore: workspaceProcedure("apps:build")
    .input(appInput.extend({ versionId: idSchema }))
    .mutation(async ({ ctx, input }) => {
      const version = await restoreVersion(ctx.services, ctx.scope, input.appId, input.versionId)
      return versionView(version, ctx.scope.user.displayName, version.id)
    }),
})
