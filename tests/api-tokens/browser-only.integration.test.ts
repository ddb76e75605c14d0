// What a token may never do, read from the procedures' own meta: every procedure marked
// browser-only (making tokens, changing roles, removing members, invitations, connecting accounts,
// audit retention, the apps' sandbox settings) and every
// signed-in procedure outside a workspace not marked allowed refuses a token with 403, before
// its input is even read. The list of browser-only procedures is pinned, so removing a marker fails.

import { TRPCError } from "@trpc/server"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { BROWSER_ONLY_MESSAGE, OUTSIDE_WORKSPACE_MESSAGE, type ProcedureAccess } from "#app/trpc/init.server.ts"
import { appRouter } from "#app/trpc/root.server.ts"
import { openTokenWorld, type TokenWorld } from "./token-world.ts"

interface ProcedureDef {
  readonly _def: { readonly type: "query" | "mutation" | "subscription"; readonly meta?: ProcedureAccess }
}
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, ProcedureDef>)
const browserOnly = procedures.filter(([, procedure]) => procedure._def.meta?.apiTokens === "browser-only").map(([path]) => path)
const signedInRefused = procedures
  .filter(([, procedure]) => procedure._def.meta?.access === "signed-in" && procedure._def.meta.apiTokens !== "allowed")
  .map(([path]) => path)

let world: TokenWorld
let call: (path: string, input: unknown) => Promise<string>
let workspaceId: string

beforeAll(async () => {
  world = await openTokenWorld()
  workspaceId = await world.workspace()
  const owner = await world.person(workspaceId, "owner")
  const { token } = await world.token(workspaceId, owner, "owner")
  const script = (await world.asToken(token)) as unknown as Record<string, Record<string, (input: unknown) => Promise<unknown>>>
  call = async (path, input) => {
    const [router, name] = path.split(".") as [string, string]
    try {
      await script[router]![name]!(input)
      return "ok"
    } catch (error) {
      if (error instanceof TRPCError) return `${error.code}: ${error.message}`
      throw error
    }
  }
})
afterAll(async () => {
  await world.close()
})

describe("procedures an API token may not call", () => {
  it("marks token creation and revocation, role changes, removing members, role-granting invitations, account connections, audit retention and the apps' sandbox settings browser-only", () => {
    expect(browserOnly.sort()).toEqual(
      [
        "apiTokens.create",
        "apiTokens.revoke",
        "audit.setRetention",
        "connections.start",
        "invitations.create",
        "invitations.resend",
        "members.changeRole",
        "members.remove",
        "workspaces.saveRuntimeSettings",
      ].sort(),
    )
  })

  for (const path of browserOnly) {
    it(`${path} refuses a token (even an owner's) with 403`, async () => {
      expect(await call(path, { workspaceId })).toBe(`FORBIDDEN: ${BROWSER_ONLY_MESSAGE}`)
    })
  }

  it("allows only harmless reads outside a workspace", () => {
    expect(signedInRefused.sort()).toEqual(["auth.revokeSession", "auth.sessions", "auth.updateProfile", "invitations.accept", "workspaces.create"].sort())
  })

  for (const path of signedInRefused) {
    it(`${path} (signed-in, outside a workspace) refuses a token with 403`, async () => {
      expect(await call(path, {})).toBe(`FORBIDDEN: ${OUTSIDE_WORKSPACE_MESSAGE}`)
    })
  }

  it("answers auth.me and workspaces.list for the token's owner", async () => {
    expect(await call("auth.me", undefined)).toBe("ok")
    expect(await call("workspaces.list", undefined)).toBe("ok")
  })
})
