// The owner invariant under a true race: two owners, each holding a scope that still says
// "owner", demote each other at once. The members lock must let exactly one through.

import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { newId } from "#shared/ids.ts"
import { createMemoryLive } from "#shared/live/memory-live.server.ts"
import { allCollections, memberships, users, type UserDocument } from "../store/collections.server.ts"
import { openSqliteStore } from "../store/sqlite-store.server.ts"
import { AppError } from "../errors.server.ts"
import { changeRole } from "./members.server.ts"
import type { Stores } from "./scope.server.ts"
import { addMember, createWorkspace, findWorkspaceMembership } from "./workspaces.server.ts"

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function stores(): Promise<Stores> {
  const dir = mkdtempSync(join(tmpdir(), "second-members-"))
  const store = openSqliteStore({ file: join(dir, "second.db"), collections: allCollections })
  const live = createMemoryLive()
  cleanups.push(async () => {
    await live.close()
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return { store, live }
}

async function person(s: Stores, name: string): Promise<UserDocument> {
  const at = new Date().toISOString()
  const email = `${name}@example.com`
  const user = { id: newId(), email, emailNormalized: email, displayName: name, createdAt: at, updatedAt: at }
  await s.store.collection(users).insert(user)
  return user
}

describe("the owner invariant", () => {
  it("lets exactly one of two owners demote the other when both act at the same moment", async () => {
    const s = await stores()
    const first = await person(s, "first")
    const second = await person(s, "second")
    const workspace = await createWorkspace(s, first, { name: "Duo" })
    await addMember(s, { workspace, userId: second.id, role: "owner", source: "local", actorUserId: first.id })
    const scopeOf = async (user: UserDocument) => ({ user, ...(await findWorkspaceMembership(s, workspace.id, user.id))! })
    const [firstScope, secondScope] = await Promise.all([scopeOf(first), scopeOf(second)])

    const outcomes = await Promise.allSettled([
      changeRole(s, firstScope, second.id, "admin"),
      changeRole(s, secondScope, first.id, "admin"),
    ])
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1)
    const refused = outcomes.find((outcome) => outcome.status === "rejected") as PromiseRejectedResult
    expect(refused.reason).toBeInstanceOf(AppError)
    // Refused either as the last owner (409) or, having just been demoted, as a non-owner (403).
    expect(["CONFLICT", "FORBIDDEN"]).toContain((refused.reason as AppError).code)
    expect(await s.store.collection(memberships).count({ workspaceId: workspace.id, role: "owner" })).toBe(1)
  })

  it("judges owner-level changes by the actor's role now, not by the role read before the lock", async () => {
    const s = await stores()
    const first = await person(s, "first")
    const second = await person(s, "second")
    const third = await person(s, "third")
    const workspace = await createWorkspace(s, first, { name: "Trio" })
    await addMember(s, { workspace, userId: second.id, role: "owner", source: "local", actorUserId: first.id })
    await addMember(s, { workspace, userId: third.id, role: "member", source: "local", actorUserId: first.id })
    const staleSecond = { user: second, ...(await findWorkspaceMembership(s, workspace.id, second.id))! }
    // first demotes second; second still holds a scope that says owner.
    const firstScope = { user: first, ...(await findWorkspaceMembership(s, workspace.id, first.id))! }
    await changeRole(s, firstScope, second.id, "admin")
    await expect(changeRole(s, staleSecond, third.id, "owner")).rejects.toMatchObject({ code: "FORBIDDEN" })
    expect((await s.store.collection(memberships).findOne({ workspaceId: workspace.id, userId: third.id }))?.role).toBe("member")
  })
})
