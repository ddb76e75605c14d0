// An in-process web tier for API token tests (tests/fixtures/app-data-world.ts), with callers as
// a browser (the session) and as a script (the request's Authorization header, as /api/trpc reads it).

import { createTRPCContext } from "#app/trpc/init.server.ts"
import { createCaller } from "#app/trpc/root.server.ts"
import { openAppDataWorld, type Person } from "#tests/fixtures/app-data-world.ts"

export async function openTokenWorld() {
  const world = await openAppDataWorld()
  return {
    ...world,
    /** The API as a script sending `Authorization: Bearer <token>` (and, to prove it is ignored, a cookie). */
    async asToken(token: string, cookie?: string) {
      const headers = new Headers({ authorization: `Bearer ${token}` })
      if (cookie) headers.set("cookie", cookie)
      const request = new Request("http://second.test/api/trpc/x", { headers })
      return createCaller(await createTRPCContext({ services: world.services, request, acceptApiTokens: true }))
    },
    /** A page's caller: the same request reaching a page ignores the bearer. */
    async asPage(headers: Record<string, string>) {
      const request = new Request("http://second.test/account", { headers })
      return createCaller(await createTRPCContext({ services: world.services, request }))
    },
    /** A token made on the Account page by this person. */
    async token(workspaceId: string, person: Person, role: Person["membership"]["role"] = person.membership.role, expiresInDays: 7 | 30 | 90 | 365 = 30) {
      return world.caller(person).apiTokens.create({ workspaceId, name: "CI script", role, expiresInDays })
    },
  }
}

export type TokenWorld = Awaited<ReturnType<typeof openTokenWorld>>
