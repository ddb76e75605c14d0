// integrationKeys through tRPC with its real authorization: admins list every app's keys with their
// secrets' state (never a value or a ref), store a value (encrypted in the secret store, the grant
// holding only its ref; replacing deletes the old value), and clear it. A name the key does not
// declare is a 400 that lists the declared ones; another app's key is never the one changed; members
// are refused; refusals write nothing.

import { TRPCError } from "@trpc/server"
import { describe, expect, it } from "vitest"
import { storedSecrets } from "#app/secrets/secret-collections.server.ts"
import { apps, auditEvents } from "#app/store/collections.server.ts"
import { PROVIDER_HOST } from "#tests/fixtures/fake-https-provider.ts"
import { oauthEntry, staticEntry, useGrantsWorld } from "./grants-world.ts"

const g = useGrantsWorld()
const { the, sync, grantsOf, setSecret, admin } = g

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  )
  if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(error)}`)
  return { code: error.code, message: error.message }
}

const auditOf = (appId: string, workspaceId: string) =>
  the.store().collection(auditEvents).findMany({ workspaceId, targetId: appId }, { sort: [["occurredAt", 1]] })

describe("integrationKeys", () => {
  it("lists each app's keys with whether each secret is stored, and whether the key is configured", async () => {
    const { app } = await the.world.appInTurn()
    await sync(app, { integrations: [staticEntry(), oauthEntry()] })
    await setSecret(app, "API_KEY", "listed-never-value")
    const listed = await admin().integrationKeys.list({ workspaceId: app.workspaceId })
    const mine = listed.apps.find((entry) => entry.appId === app.id)
    expect(mine?.name).toBe(app.name)
    expect(mine?.keys.map((key) => [key.domain, key.authType, key.configured])).toEqual([
      ["calendar.provider.test", "oauth2", false],
      [PROVIDER_HOST, "static", true],
    ])
    expect(mine?.keys[1]).toMatchObject({
      keySlug: "default",
      keyName: "Provider support key",
      capabilityLabel: "Read tickets",
      providerKey: null,
      requiredScopes: [],
      permissionGroups: [{ name: "Tickets", description: "Read tickets.", permissions: ["tickets:read"] }],
      setupInstructions: { overview: "Create a key.", steps: [{ title: "Open the console", description: "Go to **Keys**.", url: "https://provider.test/console" }], links: [] },
      secrets: [
        { name: "API_KEY", label: "API key", required: true, configured: true, updatedAt: expect.any(String) },
        { name: "REGION", label: "Region", required: false, configured: false, updatedAt: null },
      ],
      syncedAt: expect.any(String),
    })
    expect(mine?.keys[0]).toMatchObject({ providerKey: "calendar", requiredScopes: ["calendar.read"], secrets: [] })
    expect(JSON.stringify(listed)).not.toMatch(/listed-never-value|local:/)
    // Members manage no integrations.
    expect(await refusal(the.world.caller(the.world.people.creator).integrationKeys.list({ workspaceId: app.workspaceId }))).toMatchObject({ code: "FORBIDDEN" })
  })

  it("stores a value encrypted, keeps only its ref, deletes the replaced value, and audits without the value", async () => {
    const { app } = await the.world.appInTurn()
    await sync(app, { integrations: [staticEntry()] })
    expect(await setSecret(app, "API_KEY", "first-secret-value")).toEqual({ configured: true })
    const firstRef = (await grantsOf(app))[0]!.secrets[0]!.ref!
    expect(firstRef).toMatch(/^local:/)
    expect(await setSecret(app, "API_KEY", "second-secret-value")).toEqual({ configured: true })
    const secondRef = (await grantsOf(app))[0]!.secrets[0]!.ref!
    expect(secondRef).not.toBe(firstRef)
    const scope = { workspaceId: app.workspaceId, purpose: "integration_secret" as const }
    expect(await g.secrets.get(firstRef, scope)).toBeNull()
    expect(await g.secrets.get(secondRef, scope)).toBe("second-secret-value")
    // Ciphertext at rest: neither value appears in any stored document.
    const stored = JSON.stringify([await the.store().collection(storedSecrets).findMany({}), await grantsOf(app)])
    expect(stored).not.toMatch(/first-secret-value|second-secret-value/)

    expect(await admin().integrationKeys.clearSecret({ workspaceId: app.workspaceId, appId: app.id, domain: PROVIDER_HOST, keySlug: "default", name: "API_KEY" })).toEqual({ cleared: true })
    expect(await g.secrets.get(secondRef, scope)).toBeNull()
    expect((await grantsOf(app))[0]!.secrets[0]).toMatchObject({ ref: null })
    expect(await admin().integrationKeys.clearSecret({ workspaceId: app.workspaceId, appId: app.id, domain: PROVIDER_HOST, keySlug: "default", name: "API_KEY" })).toEqual({ cleared: false })

    const audit = (await auditOf(app.id, app.workspaceId)).filter((event) => event.action.startsWith("integration.secret"))
    // Sorted: events of the same millisecond have no order.
    expect(audit.map((event) => [event.action, event.actorUserId, event.after]).sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      ["integration.secret_cleared", the.world.people.admin.id, { domain: PROVIDER_HOST, keySlug: "default", secret: "API_KEY" }],
      ["integration.secret_set", the.world.people.admin.id, { domain: PROVIDER_HOST, keySlug: "default", secret: "API_KEY" }],
      ["integration.secret_set", the.world.people.admin.id, { domain: PROVIDER_HOST, keySlug: "default", secret: "API_KEY" }],
    ])
    expect(JSON.stringify(audit)).not.toMatch(/secret-value|local:/)
  })

  it("refuses a name the key does not declare (listing those it does), an unknown key or app, another workspace, members and bad values, storing nothing", async () => {
    const { app } = await the.world.appInTurn()
    const other = (await the.world.appInTurn()).app
    await sync(app, { integrations: [staticEntry(), oauthEntry()] })
    await sync(other, { integrations: [staticEntry({ keySlug: "other" })] })
    const secretsBefore = await g.storedSecretCount()
    const auditBefore = (await auditOf(app.id, app.workspaceId)).length
    const grantsBefore = [await grantsOf(app), await grantsOf(other)]
    const base = { workspaceId: app.workspaceId, appId: app.id, domain: PROVIDER_HOST, keySlug: "default", name: "API_KEY", value: "refused-value" }

    expect(await refusal(admin().integrationKeys.setSecret({ ...base, name: "TOKEN" }))).toEqual({
      code: "BAD_REQUEST",
      message: `"TOKEN" is not a secret of Provider support key (${PROVIDER_HOST} default); use one it declares: API_KEY, REGION.`,
    })
    expect(await refusal(admin().integrationKeys.setSecret({ ...base, domain: "calendar.provider.test", name: "API_KEY" }))).toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/declares none \(auth "oauth2" stores no secrets\)/),
    })
    // The other app's key slug is not this app's: the lookup is always by app.
    expect(await refusal(admin().integrationKeys.setSecret({ ...base, keySlug: "other" }))).toMatchObject({ code: "NOT_FOUND", message: expect.stringMatching(/has no integration key "other"/) })
    expect(await refusal(admin().integrationKeys.setSecret({ ...base, appId: "a".repeat(24) }))).toEqual({ code: "NOT_FOUND", message: "App not found." })
    expect(await refusal(the.world.caller(the.world.people.outsider).integrationKeys.setSecret({ ...base, workspaceId: the.world.outsiderWorkspaceId }))).toMatchObject({ code: "NOT_FOUND" })
    expect(await refusal(the.world.caller(the.world.people.outsider).integrationKeys.setSecret(base))).toMatchObject({ code: "NOT_FOUND" })
    expect(await refusal(the.world.caller(the.world.people.creator).integrationKeys.setSecret(base))).toMatchObject({ code: "FORBIDDEN" })
    for (const value of ["", "x".repeat(16 * 1024 + 1)]) {
      expect(await refusal(admin().integrationKeys.setSecret({ ...base, value }))).toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/value must/) })
    }
    expect(await refusal(admin().integrationKeys.setSecret({ ...base, name: "lower_case" }))).toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/UPPER_SNAKE_CASE/) })
    expect(await refusal(admin().integrationKeys.clearSecret({ ...base, name: "TOKEN" }))).toMatchObject({ code: "BAD_REQUEST" })

    expect(await g.storedSecretCount()).toBe(secretsBefore)
    expect((await auditOf(app.id, app.workspaceId)).length).toBe(auditBefore)
    expect([await grantsOf(app), await grantsOf(other)]).toEqual(grantsBefore)
    // 16 KiB exactly is a value.
    expect(await setSecret(app, "API_KEY", "y".repeat(16 * 1024))).toEqual({ configured: true })
  })

  it("refuses a value of whitespace only, naming the secret by its label; stores others as pasted but for trailing line breaks", async () => {
    const { app } = await the.world.appInTurn()
    await sync(app, { integrations: [staticEntry()] })
    await setSecret(app, "API_KEY", "working-value")
    const working = (await grantsOf(app))[0]!.secrets[0]!.ref!
    const secretsBefore = await g.storedSecretCount()
    const auditBefore = (await auditOf(app.id, app.workspaceId)).length
    for (const value of [" ", "   ", "\n", "\r\n", " \t \n"]) {
      expect(await refusal(setSecret(app, "API_KEY", value)), JSON.stringify(value)).toEqual({ code: "BAD_REQUEST", message: "API key is empty: paste the value itself." })
    }
    // Nothing written: the working value is still the one referred to, no new value, no audit.
    expect((await grantsOf(app))[0]!.secrets[0]!.ref).toBe(working)
    expect(await g.storedSecretCount()).toBe(secretsBefore)
    expect((await auditOf(app.id, app.workspaceId)).length).toBe(auditBefore)

    const scope = { workspaceId: app.workspaceId, purpose: "integration_secret" as const }
    const cases: Array<[string, string]> = [
      ["pasted-with-newline\n", "pasted-with-newline"],
      ["windows-paste\r\n", "windows-paste"],
      ["-----BEGIN KEY-----\nline\n-----END KEY-----\n", "-----BEGIN KEY-----\nline\n-----END KEY-----"],
      // Spaces are kept anywhere: nothing says they cannot be part of a secret.
      ["  spaced value  ", "  spaced value  "],
    ]
    for (const [pasted, stored] of cases) {
      await setSecret(app, "API_KEY", pasted)
      expect(await g.secrets.get((await grantsOf(app))[0]!.secrets[0]!.ref!, scope), JSON.stringify(pasted)).toBe(stored)
    }
  })

  it("goes with its app: deleting the app deletes its keys and every value stored for them", async () => {
    const { app } = await the.world.appInTurn()
    await sync(app, { integrations: [staticEntry()] })
    await setSecret(app, "API_KEY", "deleted-with-the-app")
    const ref = (await grantsOf(app))[0]!.secrets[0]!.ref!
    await the.store().collection(apps).updateOne({ id: app.id }, { activeRunId: null })
    await the.world.caller(the.world.people.creator).apps.delete({ workspaceId: app.workspaceId, appId: app.id })
    expect(await grantsOf(app)).toEqual([])
    expect(await g.secrets.get(ref, { workspaceId: app.workspaceId, purpose: "integration_secret" })).toBeNull()
    expect((await admin().integrationKeys.list({ workspaceId: app.workspaceId })).apps.map((entry) => entry.appId)).not.toContain(app.id)
  })
})
