// publishedApps: the published apps a person uses. `forYou` lists them for the workspace home;
// `open` gives the published app's page what it runs. Any member may ask; what they get follows
// the apps' audiences (app/apps/app-access.server.ts canUseApp), and an app not theirs is a 404.

import { z } from "zod"
import { openPublishedApp, publishedAppsFor } from "../../apps/published-apps.server.ts"
import { createTRPCRouter, idSchema, workspaceProcedure } from "../init.server.ts"

export const publishedAppsRouter = createTRPCRouter({
  /** Published apps the caller may use (those they build included), most recently published first. */
  forYou: workspaceProcedure("workspace:view").query(({ ctx }) => publishedAppsFor(ctx.services, ctx.scope)),

  /** The app's current release with a preview URL for it and the workspace's frame policy; 404 unless the caller may use it. */
  open: workspaceProcedure("workspace:view")
    .input(z.object({ appId: idSchema }))
    .query(({ ctx, input }) => openPublishedApp(ctx.services, ctx.scope, input.appId)),
})
