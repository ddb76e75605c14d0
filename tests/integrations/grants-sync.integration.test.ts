// present_integration_setup's second half through the real POST /api/internal/tool-execute route:
// the setup becomes the app's grant set (listed keys written, absent ones deleted with their stored
// secrets, a kept key keeping the values of the secret names it still declares), audited once;
// list_app_integration_keys answers from it, for this app only; a run that cannot call tools, or a
// setup the shared rules refuse, changes nothing.

import { describe, expect, it } from "vitest"
import { neededProviders } from "#app/integrations/oauth/needed-providers.server.ts"
import { auditEvents, runs } from "#app/store/collections.server.ts"
import { PROVIDER_HOST } from "#tests/fixtures/fake-https-provider.ts"
import { oauthEntry, staticEntry, useGrantsWorld } from "./grants-world.ts"

const g = useGrantsWorld()
const { the, sync, listKeys, grantsOf, setSecret } = g

const syncedAudit = async (appId: string, workspaceId: string) =>
  the.store().collection(auditEvents).findMany({ workspaceId, targetId: appId, action: "integration.grants_synced" }, { sort: [["occurredAt", 1]] })

describe("sync_integration_setup", () => {
  it("writes the listed keys, and answers what it synced", async () => {
    const { app, run } = await the.world.appInTurn()
    const answer = await sync(app, { integrations: [staticEntry(), oauthEntry()] })
    expect(answer).toEqual({ status: 200, body: { result: { upserted: 2, deleted: 0, keys: [`${PROVIDER_HOST} default`, "calendar.provider.test default"] } } })
    const grants = await grantsOf(app)
    expect(grants.map((grant) => [grant.domain, grant.keySlug, grant.authType, grant.providerKey, grant.requiredScopes])).toEqual([
      ["calendar.provider.test", "default", "oauth2", "calendar", ["calendar.read"]],
      [PROVIDER_HOST, "default", "static", null, []],
    ])
    expect(grants[1]).toMatchObject({
      workspaceId: app.workspaceId,
      keyName: "Provider support key",
      requestedByUserId: run.createdByUserId,
      secrets: [
        { name: "API_KEY", required: true, ref: null },
        { name: "REGION", required: false, ref: null },
      ],
    })
    const [audited] = await syncedAudit(app.id, app.workspaceId)
    expect(audited).toMatchObject({ actorUserId: run.createdByUserId, targetType: "app", after: { upserted: 2, deleted: 0, keys: [`${PROVIDER_HOST} default`, "calendar.provider.test default"] } })
    // The OAuth key's declared endpoints prefill the admin's client form on Settings → Integrations.
    const [needed] = await neededProviders({ store: the.store() }, app.workspaceId, new Set())
    expect(needed).toMatchObject({
      providerKey: "calendar",
      suggestedName: oauthEntry().name,
      configured: false,
      scopes: ["calendar.read"],
      authorizationUrl: "https://provider.test/authorize",
      tokenUrl: "https://provider.test/token",
      tokenAuthMethod: "client_secret_post",
      apps: [{ appId: app.id }],
    })
  })

  it("deletes keys no longer listed with their secrets, keeps the values of names still declared, and drops those of names removed", async () => {
    const { app } = await the.world.appInTurn()
    await sync(app, { integrations: [staticEntry(), staticEntry({ keySlug: "admin" })] })
    await setSecret(app, "API_KEY", "kept-value-1")
    await setSecret(app, "REGION", "dropped-value-2")
    await setSecret(app, "API_KEY", "deleted-with-key-3", "admin")
    const before = await grantsOf(app)
    const refs = Object.fromEntries(before.flatMap((grant) => grant.secrets.map((secret) => [`${grant.keySlug}/${secret.name}`, secret.ref])))
    expect(Object.values(refs).filter((ref) => ref !== null)).toHaveLength(3)

    // REGION is no longer declared; the "admin" key is no longer listed; a new key appears.
    const onlyKey = staticEntry({ secrets: [{ name: "API_KEY", label: "API key", description: "Rotated monthly.", required: true }] })
    const answer = await sync(app, { integrations: [onlyKey, oauthEntry()] })
    expect(answer.body.result).toEqual({ upserted: 2, deleted: 1, keys: [`${PROVIDER_HOST} default`, "calendar.provider.test default"] })

    const after = await grantsOf(app)
    expect(after.map((grant) => grant.keySlug + " " + grant.domain)).toEqual(["default calendar.provider.test", `default ${PROVIDER_HOST}`])
    const kept = after[1]!
    expect(kept.secrets).toEqual([expect.objectContaining({ name: "API_KEY", description: "Rotated monthly.", ref: refs["default/API_KEY"] })])
    const scope = { workspaceId: app.workspaceId, purpose: "integration_secret" as const }
    expect(await g.secrets.get(refs["default/API_KEY"]!, scope)).toBe("kept-value-1")
    expect(await g.secrets.get(refs["default/REGION"]!, scope)).toBeNull()
    expect(await g.secrets.get(refs["admin/API_KEY"]!, scope)).toBeNull()
  })

  it("keeps one grant set per app: another app's sync neither sees nor changes this app's keys", async () => {
    const first = (await the.world.appInTurn()).app
    const second = (await the.world.appInTurn()).app
    await sync(first, { integrations: [staticEntry()] })
    await setSecret(first, "API_KEY", "first-app-value")
    const firstBefore = await grantsOf(first)
    expect((await sync(second, { integrations: [oauthEntry()] })).body.result).toMatchObject({ upserted: 1, deleted: 0 })
    expect(await grantsOf(first)).toEqual(firstBefore)
    // The builder of the second app sees only its own key.
    expect((await listKeys(second)).body.result).toEqual({
      keys: [{ domain: "calendar.provider.test", keySlug: "default", auth: "oauth", providerKey: "calendar", configured: false, secrets: [], scopes: ["calendar.read"] }],
    })
  })

  it("refuses a setup the shared rules refuse, and a run that cannot call tools, changing nothing", async () => {
    const { app } = await the.world.appInTurn()
    await sync(app, { integrations: [staticEntry()] })
    const before = await grantsOf(app)
    const auditBefore = (await syncedAudit(app.id, app.workspaceId)).length

    const duplicate = await sync(app, { integrations: [staticEntry(), staticEntry()] })
    expect(duplicate.status).toBe(400)
    expect(duplicate.body.error).toMatchObject({ code: "invalid_input", message: expect.stringMatching(/integrations\[1\]\.keySlug: .*merge them/) })
    const malformed = await sync(app, { integrations: [{ ...staticEntry(), domain: "Not A Domain" }] })
    expect(malformed.status).toBe(400)
    expect(malformed.body.error?.code).toBe("invalid_tool_call")

    const ended = (await the.world.appInTurn()).app
    await the.store().collection(runs).updateOne({ id: ended.activeRunId! }, { status: "completed" })
    const rejected = await the.post({ claims: { ...g.builderClaims(ended) }, toolSet: "second", tool: "sync_integration_setup", input: { setup: { integrations: [staticEntry()] } } })
    expect(rejected).toEqual({ status: 403, body: { error: { code: "claims_rejected", message: "This run cannot call tools now." } } })
    // Not an agent run's to call, either.
    const agentClaims = { ...g.builderClaims(app), agentId: "support" }
    expect((await the.post({ claims: agentClaims, toolSet: "second", tool: "sync_integration_setup", input: { setup: { integrations: [] } } })).status).toBe(400)
    expect((await the.post({ claims: agentClaims, toolSet: "second", tool: "sync_integration_setup", input: { setup: { integrations: [staticEntry()] } } })).status).toBe(403)

    expect(await grantsOf(app)).toEqual(before)
    expect(await grantsOf(ended)).toEqual([])
    expect((await syncedAudit(app.id, app.workspaceId)).length).toBe(auditBefore)
  })
})

describe("list_app_integration_keys", () => {
  it("answers the app's keys with whether each is configured, filtered by domain, never a value or a ref", async () => {
    const { app } = await the.world.appInTurn()
    expect((await listKeys(app)).body.result).toEqual({ keys: [] })
    await sync(app, { integrations: [staticEntry(), oauthEntry()] })
    const unconfigured = { domain: PROVIDER_HOST, keySlug: "default", auth: "static", providerKey: null, configured: false, scopes: [] }
    expect((await listKeys(app, { domain: PROVIDER_HOST })).body.result).toEqual({
      keys: [{ ...unconfigured, secrets: [{ name: "API_KEY", required: true, configured: false }, { name: "REGION", required: false, configured: false }] }],
    })
    await setSecret(app, "API_KEY", "a-value-never-listed")
    const listed = await listKeys(app)
    expect(listed.body.result).toEqual({
      keys: [
        { domain: "calendar.provider.test", keySlug: "default", auth: "oauth", providerKey: "calendar", configured: false, secrets: [], scopes: ["calendar.read"] },
        { ...unconfigured, configured: true, secrets: [{ name: "API_KEY", required: true, configured: true }, { name: "REGION", required: false, configured: false }] },
      ],
    })
    expect(JSON.stringify(listed)).not.toMatch(/a-value-never-listed|local:/)
    expect((await listKeys(app, { domain: "api.github.com" })).body.result).toEqual({ keys: [] })
  })
})
