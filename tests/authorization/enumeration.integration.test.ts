// Authorization, proven by enumeration against a real running Second over HTTP. Every tRPC
// procedure and every Remix route (read from the build's route manifest) is called as: nobody,
// a member of another workspace, a role without the permission, and the least role with it.
// A procedure without a declared access rule, or without a case, fails here.

import { describe, expect, it } from "vitest"
import { aRoleWithout, leastRoleWith } from "#shared/auth/permissions.ts"
import type { ProcedureAccess } from "#app/trpc/init.server.ts"
import { appRouter } from "#app/trpc/root.server.ts"
import { HttpPerson, type Reply } from "#tests/fixtures/http-person.ts"
import { loadRouteManifest } from "#tests/fixtures/route-manifest.ts"
import { procedureCases } from "./procedure-cases.ts"
import { routeCases, type RouteCall } from "./route-cases.ts"
import { useWorld } from "./world.ts"

interface ProcedureDef {
  readonly _def: { readonly type: "query" | "mutation" | "subscription"; readonly meta?: ProcedureAccess }
}
const procedures = appRouter._def.procedures as unknown as Record<string, ProcedureDef>

const routes = await loadRouteManifest()

const given = useWorld()

const describeAccess = (meta: ProcedureAccess | undefined) =>
  meta === undefined ? "NO ACCESS RULE" : meta.access === "workspace" ? `workspace ${meta.permission}` : meta.access

describe("the permission table", () => {
  it("covers every procedure: each declares who may call it and has an enumeration case", () => {
    const undeclared = Object.entries(procedures).filter(([, procedure]) => procedure._def.meta?.access === undefined)
    expect(undeclared.map(([path]) => path), "procedures without an access rule (use a base procedure)").toEqual([])
    const uncovered = Object.keys(procedures).filter((path) => !(path in procedureCases))
    expect(uncovered, "procedures without a case in tests/authorization/procedure-cases.ts").toEqual([])
    const stale = Object.keys(procedureCases).filter((path) => !(path in procedures))
    expect(stale, "cases for procedures that no longer exist").toEqual([])
  })

  it("has resource routes answer both methods themselves (Remix's own refusal reads \"Unexpected Server Error\")", () => {
    const halfServed = Object.entries(routes).filter(
      ([id, route]) => id !== "root" && !route.module.default && (!route.module.loader || !route.module.action),
    )
    expect(halfServed.map(([id]) => id), "export the missing half as onlyMethod(...) from app/server/method-not-allowed.server.ts").toEqual([])
  })

  it("covers every route loader and action", () => {
    const missing = Object.entries(routes).flatMap(([id, route]) => [
      ...(route.module.loader && !routeCases[id]?.get ? [`${id} (loader)`] : []),
      ...(route.module.action && !routeCases[id]?.post ? [`${id} (action)`] : []),
    ])
    expect(missing, "routes without a case in tests/authorization/route-cases.ts").toEqual([])
  })
})

describe("every tRPC procedure", () => {
  for (const [path, procedure] of Object.entries(procedures)) {
    const meta = procedure._def.meta
    it(`${path} (${describeAccess(meta)})`, async () => {
      if (!meta) throw new Error(`${path} has no access rule`)
      const call = (person: HttpPerson, input: unknown): Promise<Reply> =>
        procedure._def.type === "query" ? person.query(path, input) : person.mutate(path, input)
      const nobody = new HttpPerson(given.server.url)
      const prepare = procedureCases[path]!
      const succeeds = async (caller: HttpPerson, input: unknown) => {
        const reply = await call(caller, input)
        expect(reply.status, JSON.stringify(reply.body)).toBe(200)
      }

      if (meta.access === "public") return succeeds(nobody, await prepare(given.world, nobody))

      if (meta.access === "signed-in") {
        const caller = await given.world.person()
        const input = await prepare(given.world, caller)
        expect((await call(nobody, input)).status).toBe(401)
        return succeeds(caller, input)
      }

      const caller = given.world.as(leastRoleWith(meta.permission))
      const input = { ...(await prepare(given.world, caller)), workspaceId: given.world.workspaceId }
      const auditBefore = await given.world.auditCount()
      expect((await call(nobody, input)).status, "signed out").toBe(401)
      expect((await call(given.world.as("outsider"), input)).status, "member of another workspace").toBe(404)
      const without = aRoleWithout(meta.permission)
      if (without) expect((await call(given.world.as(without), input)).status, `as ${without}`).toBe(403)
      expect(await given.world.auditCount(), "a refused call changed something").toBe(auditBefore)
      await succeeds(caller, input)
    })
  }

  it("answers an unknown procedure with 404", async () => {
    expect((await new HttpPerson(given.server.url).query("workspaces.drop", {})).status).toBe(404)
  })
})

describe("every route", () => {
  const signInRedirect = /^\/onboarding\?returnTo=/

  const exercise = async (id: string, method: "GET" | "POST", route: RouteCall) => {
    const access = route.access
    const send = async (person: HttpPerson, path: string, form: Record<string, string> | undefined) =>
      method === "GET" ? person.request(path) : person.post(path, form ?? {})
    const expected = route.status ?? 200

    if (access.access === "api") {
      // Each procedure is enumerated above; here only that the endpoint is the tRPC one.
      const nobody = new HttpPerson(given.server.url)
      const reply = method === "GET" ? await nobody.query("health") : await nobody.mutate("health")
      expect(reply.status, "health is a query: GET works, POST is refused").toBe(method === "GET" ? 200 : 405)
      return
    }
    if (access.access === "public") {
      const nobody = new HttpPerson(given.server.url)
      const response = await send(nobody, await route.path(given.world, nobody), await route.form?.(given.world, nobody))
      expect(response.status, `${id} ${method}`).toBe(expected)
      return
    }
    const caller = access.access === "signed-in" ? await given.world.person() : given.world.as(leastRoleWith(access.permission))
    const path = await route.path(given.world, caller)
    const form = await route.form?.(given.world, caller)
    const refused = await send(new HttpPerson(given.server.url), path, form)
    expect(refused.status, `${id} ${method} signed out`).toBe(302)
    expect(refused.headers.get("location")).toMatch(signInRedirect)
    if (access.access === "workspace") {
      const auditBefore = await given.world.auditCount()
      expect((await send(given.world.as("outsider"), path, form)).status, `${id} ${method} as outsider`).toBe(404)
      const without = aRoleWithout(access.permission)
      if (without) expect((await send(given.world.as(without), path, form)).status, `${id} ${method} as ${without}`).toBe(403)
      expect(await given.world.auditCount(), "a refused request changed something").toBe(auditBefore)
    }
    const response = await send(caller, path, form)
    expect(response.status, `${id} ${method}: ${response.status !== expected ? await response.text() : ""}`).toBe(expected)
  }

  for (const [id, routeCase] of Object.entries(routeCases)) {
    if (routeCase.get) it(`GET ${id} (${routeCase.get.access.access})`, () => exercise(id, "GET", routeCase.get!))
    if (routeCase.post) it(`POST ${id} (${routeCase.post.access.access})`, () => exercise(id, "POST", routeCase.post!))
  }
})
