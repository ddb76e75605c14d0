// Who hears which workspace event, and what may travel: the audience rule, the publishing rules
// (ids of apps and runs only to an app audience; nothing but the event's own fields; a failure
// logged, never thrown) and the parsing of what arrives on the channel.

import { describe, expect, it, vi } from "vitest"
import type { Role } from "#shared/auth/permissions.ts"
import { createMemoryLive } from "#shared/live/memory-live.server.ts"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import {
  isInAudience,
  parseEnvelope,
  publishWorkspaceEvent,
  workspaceEventsChannel,
  type WorkspaceEventAudience,
} from "./workspace-events.server.ts"

const creator = "creatorcreatorcreator234"
const collaborator = "collaboratorcollabora234"
const bystander = "bystanderbystanderbys234"
const appAudience: WorkspaceEventAudience = { kind: "app", userIds: [creator, collaborator] }

describe("isInAudience", () => {
  it("includes every member, whatever the role, in a workspace audience", () => {
    for (const role of ["owner", "admin", "member"] as const) {
      expect(isInAudience({ kind: "workspace" }, { userId: bystander, role })).toBe(true)
    }
  })

  it("includes in an app audience the listed people and every owner and admin, and no other member", () => {
    const hears = (userId: string, role: Role) => isInAudience(appAudience, { userId, role })
    expect(hears(creator, "member")).toBe(true)
    expect(hears(collaborator, "member")).toBe(true)
    expect(hears(bystander, "member")).toBe(false)
    expect(hears(bystander, "admin")).toBe(true)
    expect(hears(bystander, "owner")).toBe(true)
  })

  it("includes only owners and admins in an app audience listing nobody", () => {
    const nobody: WorkspaceEventAudience = { kind: "app", userIds: [] }
    expect(isInAudience(nobody, { userId: creator, role: "member" })).toBe(false)
    expect(isInAudience(nobody, { userId: creator, role: "admin" })).toBe(true)
  })
})

async function published(live: LiveCoordination, workspaceId: string): Promise<{ messages: string[]; stop: () => Promise<void> }> {
  const messages: string[] = []
  const stop = await live.subscribe(workspaceEventsChannel(workspaceId), (message) => messages.push(message))
  return { messages, stop }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0))

describe("publishWorkspaceEvent", () => {
  it("publishes on the workspace's channel with a timestamp, carrying only the event's own fields", async () => {
    const live = createMemoryLive()
    const seen = await published(live, "w1")
    const event = { type: "run.started", appId: "app1", runId: "run1", prompt: "secret prompt" } as const
    expect(await publishWorkspaceEvent(live, "w1", event, appAudience)).toBe(true)
    await flush()
    expect(seen.messages).toHaveLength(1)
    const envelope = JSON.parse(seen.messages[0]!)
    expect(envelope.event).toEqual({ type: "run.started", appId: "app1", runId: "run1", at: expect.any(String) })
    expect(Number.isNaN(Date.parse(envelope.event.at))).toBe(false)
    expect(envelope.audience).toEqual(appAudience)
    await live.close()
  })

  it("refuses (and logs) an event naming an app or a run for the whole workspace, publishing nothing", async () => {
    const live = createMemoryLive()
    const seen = await published(live, "w1")
    const log = { error: vi.fn() }
    expect(await publishWorkspaceEvent(live, "w1", { type: "app.created", appId: "app1" }, { kind: "workspace" }, log)).toBe(false)
    expect(await publishWorkspaceEvent(live, "w1", { type: "run.failed", runId: "run1" }, { kind: "workspace" }, log)).toBe(false)
    await flush()
    expect(seen.messages).toEqual([])
    expect(log.error).toHaveBeenCalledTimes(2)
    await live.close()
  })

  it("logs a failed publish and resolves false instead of throwing into the change that caused it", async () => {
    const live = createMemoryLive()
    await live.close() // every publish now fails
    const log = { error: vi.fn() }
    await expect(publishWorkspaceEvent(live, "w1", { type: "member.changed" }, { kind: "workspace" }, log)).resolves.toBe(false)
    expect(log.error).toHaveBeenCalledWith("workspace event not published", expect.objectContaining({ workspaceId: "w1", type: "member.changed" }))
  })
})

describe("parseEnvelope", () => {
  const at = "2025-01-01T00:00:00.000Z"
  const valid = { event: { type: "app.updated", appId: "a", at }, audience: { kind: "app", userIds: ["u"] } }

  it("reads a well-formed envelope, keeping only the event's own fields", () => {
    const withExtra = { ...valid, event: { ...valid.event, name: "Secret app" } }
    expect(parseEnvelope(JSON.stringify(withExtra))).toEqual(valid)
    expect(parseEnvelope(JSON.stringify({ event: { type: "member.changed", at }, audience: { kind: "workspace" } }))).toEqual({
      event: { type: "member.changed", at },
      audience: { kind: "workspace" },
    })
  })

  it("rejects anything malformed", () => {
    const bad = [
      "not json",
      "null",
      JSON.stringify({ event: { type: "app.exploded", at }, audience: { kind: "workspace" } }),
      JSON.stringify({ event: { type: "member.changed" }, audience: { kind: "workspace" } }),
      JSON.stringify({ event: { type: "app.updated", appId: 7, at }, audience: { kind: "app", userIds: [] } }),
      JSON.stringify({ event: valid.event, audience: { kind: "app", userIds: "u" } }),
      JSON.stringify({ event: valid.event, audience: { kind: "everyone" } }),
      JSON.stringify({ event: valid.event }),
    ]
    for (const message of bad) expect(parseEnvelope(message), message).toBeNull()
  })

  it("rejects an app's or run's id addressed to the whole workspace, whoever published it", () => {
    expect(parseEnvelope(JSON.stringify({ event: valid.event, audience: { kind: "workspace" } }))).toBeNull()
    expect(parseEnvelope(JSON.stringify({ event: { type: "run.started", runId: "r", at }, audience: { kind: "workspace" } }))).toBeNull()
  })
})
