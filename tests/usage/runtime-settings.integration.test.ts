// The workspace's runtime settings for app frames: everyone reads them as the frame's policy;
// only owners and admins save them (403 for members), each change audited with before and after
// and announced to the workspace so open app pages reload their frame; the page's form too.

import { TRPCError } from "@trpc/server"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { workspaceEventsChannel } from "#app/events/workspace-events.server.ts"
import { action as runtimeAction, loader as runtimeLoader } from "#app/routes/w.$workspaceId.settings.runtime.tsx"
import { auditEvents } from "#app/store/collections.server.ts"
import { auditSentence, EMPTY_DIRECTORY, sentenceText, type AuditEventView } from "#app/text/audit-sentence.ts"
import { signSessionToken, SESSION_COOKIE } from "#app/auth/session-cookie.server.ts"
import { createSession } from "#app/auth/sessions.server.ts"
import { createVersionWorld, type VersionWorld } from "#tests/fixtures/version-world.ts"
import { eventuallyValue } from "#tests/fixtures/eventually.ts"

let world: VersionWorld
beforeAll(async () => {
  world = await createVersionWorld()
})
afterAll(async () => {
  await world?.close()
})

const changes = () =>
  world.services.store.collection(auditEvents).findMany({ workspaceId: world.workspaceId, action: "workspace.runtime_settings_changed" }, { sort: [["occurredAt", 1]] })

describe("runtime settings", () => {
  it("are all on, as the frame's full policy, for a workspace that never saved them", async () => {
    const answer = await world.caller(world.people.creator).workspaces.runtimeSettings({ workspaceId: world.workspaceId })
    expect(answer).toEqual({
      settings: { scripts: true, clipboard: true, externalLinks: true },
      frame: { sandbox: "allow-scripts allow-forms allow-modals allow-popups allow-popups-to-escape-sandbox", allow: "clipboard-write" },
    })
  })

  it("refuses a member's save (403) and changes nothing", async () => {
    const error = await world
      .caller(world.people.creator)
      .workspaces.saveRuntimeSettings({ workspaceId: world.workspaceId, scripts: false, clipboard: false, externalLinks: false })
      .then(() => null, (caught: unknown) => caught)
    expect(error).toBeInstanceOf(TRPCError)
    expect((error as TRPCError).code).toBe("FORBIDDEN")
    expect(await changes()).toEqual([])
    expect((await world.caller(world.people.creator).workspaces.runtimeSettings({ workspaceId: world.workspaceId })).settings.scripts).toBe(true)
  })

  it("saves an admin's change, audits it with before and after, and tells the workspace", async () => {
    const heard: string[] = []
    const unsubscribe = await world.services.live.subscribe(workspaceEventsChannel(world.workspaceId), (message) => heard.push(message))
    try {
      const saved = await world
        .caller(world.people.admin)
        .workspaces.saveRuntimeSettings({ workspaceId: world.workspaceId, scripts: true, clipboard: false, externalLinks: false })
      expect(saved).toEqual({ settings: { scripts: true, clipboard: false, externalLinks: false }, frame: { sandbox: "allow-scripts allow-forms allow-modals", allow: "" } })
      const [change, ...more] = await changes()
      expect(more).toEqual([])
      expect(change).toMatchObject({
        actorUserId: world.people.admin.id,
        targetType: "workspace",
        targetId: world.workspaceId,
        before: { scripts: true, clipboard: true, externalLinks: true },
        after: { scripts: true, clipboard: false, externalLinks: false },
      })
      const event = await eventuallyValue(async () => heard.map((message) => JSON.parse(message)).find((envelope) => envelope.event.type === "workspace.settings.changed"))
      expect(event.audience).toEqual({ kind: "workspace" })
      // Members read the new policy.
      expect((await world.caller(world.people.creator).workspaces.runtimeSettings({ workspaceId: world.workspaceId })).frame.sandbox).toBe("allow-scripts allow-forms allow-modals")
      // Saving the same again records nothing more.
      await world.caller(world.people.admin).workspaces.saveRuntimeSettings({ workspaceId: world.workspaceId, scripts: true, clipboard: false, externalLinks: false })
      expect(await changes()).toHaveLength(1)
    } finally {
      await unsubscribe()
    }
  })

  it("saves from the page's form, where an unticked switch is off", async () => {
    const { token } = await createSession(world.services.store, { userId: world.people.admin.id, authMode: "none", userAgent: "usage tests" })
    const cookie = `${SESSION_COOKIE}=${signSessionToken(token, world.services.auth.sessionKey)}`
    const path = `http://second.test/w/${world.workspaceId}/settings/runtime`
    const request = new Request(path, { method: "POST", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: "clipboard=on&externalLinks=on" })
    const context = { services: world.services, cspNonce: "" }
    const params = { workspaceId: world.workspaceId }
    const answer = (await runtimeAction({ request, params, context } as never)) as unknown as { data: unknown }
    // What the page's saved message is written from: the settings as saved.
    expect(answer.data).toEqual({ ok: true, intent: "save", data: { scripts: false, clipboard: true, externalLinks: true } })
    const page = (await runtimeLoader({ request: new Request(path, { headers: { cookie } }), params, context } as never)) as { settings: unknown; canManage: boolean }
    expect(page).toMatchObject({ canManage: true, settings: { scripts: false, clipboard: true, externalLinks: true } })
    const change = (await changes()).at(-1)
    expect(change).toMatchObject({ before: { scripts: true, clipboard: false, externalLinks: false }, after: { scripts: false, clipboard: true, externalLinks: true } })
    // The audit log says which switches moved, from what the save recorded.
    expect(sentenceText(auditSentence(change as unknown as AuditEventView, EMPTY_DIRECTORY))).toContain(
      "turned off Run scripts and turned on Copy to the clipboard and Open other sites",
    )
  })
})
