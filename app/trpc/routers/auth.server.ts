// Who am I (and what I am called), and my signed-in browsers (each can be revoked from any other).

import { TRPCError } from "@trpc/server"
import { z } from "zod"
import { renameUser } from "../../auth/profile.server.ts"
import { revokeSession } from "../../auth/sessions.server.ts"
import { sessions } from "../../store/collections.server.ts"
import { createTRPCRouter, protectedProcedure, publicProcedure } from "../init.server.ts"
import { nameSchema, sessionIdSchema } from "../schemas.server.ts"

export const authRouter = createTRPCRouter({
  me: publicProcedure.query(({ ctx }) => ({
    authMode: ctx.services.config.authMode,
    user: ctx.viewer
      ? { id: ctx.viewer.user.id, displayName: ctx.viewer.user.displayName, email: ctx.viewer.user.email }
      : null,
  })),

  updateProfile: protectedProcedure
    .input(z.object({ displayName: nameSchema("display name") }))
    .mutation(({ ctx, input }) => renameUser(ctx.services.store, ctx.viewer.user, input.displayName, ctx.services.config.authMode)),

  sessions: protectedProcedure.query(async ({ ctx }) => {
    const mine = await ctx.services.store
      .collection(sessions)
      .findMany({ userId: ctx.viewer.user.id }, { sort: [["lastSeenAt", -1]] })
    return mine.map((session) => ({
      id: session.id,
      createdAt: session.createdAt,
      lastSeenAt: session.lastSeenAt,
      userAgent: session.userAgent,
      current: session.id === ctx.viewer.session?.id,
    }))
  }),

  revokeSession: protectedProcedure.input(z.object({ sessionId: sessionIdSchema })).mutation(async ({ ctx, input }) => {
    const session = await ctx.services.store.collection(sessions).findOne({ id: input.sessionId, userId: ctx.viewer.user.id })
    if (!session) throw new TRPCError({ code: "NOT_FOUND", message: "Session not found." })
    await revokeSession(ctx.services.store, session.id)
    return { revoked: true }
  }),
})
