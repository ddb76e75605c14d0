// Who sees an app: its creator, the collaborators the creator (or an admin) chose, and workspace
// owners and admins. Everyone else gets 404 for the app, its runs and its event stream, exactly
// as for another workspace's app, and does not find it in the list.

import { describe, expect, it } from "vitest"
import { makeApp } from "#tests/authorization/app-fixtures.ts"
import { useWorld } from "#tests/authorization/world.ts"
import type { HttpPerson, TrpcErrorBody } from "#tests/fixtures/http-person.ts"

const given = useWorld()

type AppSummary = { id: string; collaboratorUserIds: string[] }

const listed = async (person: HttpPerson) =>
  (await person.must<AppSummary[]>("query", "apps.list", { workspaceId: given.world.workspaceId })).map((app) => app.id)

async function sees(person: HttpPerson, appId: string, runId: string): Promise<boolean> {
  const workspaceId = given.world.workspaceId
  const [get, runs, events] = await Promise.all([
    person.query("apps.get", { workspaceId, appId }),
    person.query("runs.list", { workspaceId, appId }),
    person.request(`/api/runs/${runId}/events`),
  ])
  await events.body?.cancel()
  const statuses = [get.status, runs.status, events.status]
  // All three agree: either everything is visible or nothing is.
  expect(new Set(statuses).size, `apps.get, runs.list and the event stream answered ${statuses.join(", ")}`).toBe(1)
  expect((await listed(person)).includes(appId)).toBe(statuses[0] === 200)
  return statuses[0] === 200
}

describe("app visibility", () => {
  it("is the creator's, the chosen collaborators' and the admins', and follows collaborator changes", { timeout: 60_000 }, async () => {
    const world = given.world
    const creator = world.as("member")
    const { person: colleague, userId: colleagueId } = await world.join("member")
    const { appId, runId } = await makeApp(world, creator)
    const workspaceId = world.workspaceId

    expect(await sees(creator, appId, runId)).toBe(true)
    expect(await sees(world.as("admin"), appId, runId)).toBe(true)
    expect(await sees(world.as("owner"), appId, runId)).toBe(true)
    expect(await sees(colleague, appId, runId)).toBe(false)

    const added = await creator.must<AppSummary>("mutation", "apps.addCollaborator", { workspaceId, appId, userId: colleagueId })
    expect(added.collaboratorUserIds).toEqual([colleagueId])
    expect(await sees(colleague, appId, runId)).toBe(true)

    // A collaborator builds in the app but neither chooses collaborators nor deletes it.
    const refusedChoice = await colleague.mutate<TrpcErrorBody>("apps.removeCollaborator", { workspaceId, appId, userId: colleagueId })
    expect(refusedChoice.status).toBe(403)
    expect((await colleague.mutate("apps.delete", { workspaceId, appId })).status).toBe(403)

    // Only members of the workspace can be chosen.
    const outsider = await creator.mutate<TrpcErrorBody>("apps.addCollaborator", { workspaceId, appId, userId: world.userId("outsider") })
    expect(outsider.status).toBe(404)
    expect(outsider.body.error.message).toBe("Member not found in this workspace.")

    await world.as("admin").must("mutation", "apps.removeCollaborator", { workspaceId, appId, userId: colleagueId })
    expect(await sees(colleague, appId, runId)).toBe(false)
  })
})
