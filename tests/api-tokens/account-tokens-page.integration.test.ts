// The Account page's token card on the server, in-process: the loader shows the workspace the
// address names (and turns the no-script Show, a GET of the create form, into ?workspace=), the
// create action makes the token in the workspace the form's select submitted, a name of only
// spaces gets a sentence that says what to type, and the audit log's labels say "API token".

import type { AppLoadContext } from "@remix-run/node"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { loadAccountTokens, tokenAction } from "#app/api-tokens/account-tokens.server.ts"
import { API_TOKEN_NAME_MISSING } from "#app/api-tokens/api-token-text.ts"
import { auditActionLabel, auditFamilyLabel } from "#app/audit/audit-filter-params.ts"
import { memberships } from "#app/store/collections.server.ts"
import { auditSentence, EMPTY_DIRECTORY, sentenceText, type AuditEventView } from "#app/text/audit-sentence.ts"
import { newId } from "#shared/ids.ts"
import type { Person } from "#tests/fixtures/app-data-world.ts"
import { openTokenWorld, type TokenWorld } from "./token-world.ts"

let world: TokenWorld
beforeEach(async () => {
  world = await openTokenWorld()
})
afterEach(async () => {
  await world.close()
})

/** Ada, an owner of Acme and a member of a second workspace. */
async function inTwoWorkspaces() {
  const acme = await world.workspace()
  const beta = await world.workspace()
  const ada = await world.person(acme, "owner")
  await world.store.collection(memberships).insert({ ...ada.membership, id: newId(), workspaceId: beta, role: "member" })
  return { acme, beta, ada }
}

/** The page's action as the browser posts it, from the Account page showing `shown`. */
function post(person: Person, shown: string, fields: Record<string, string>) {
  const form = new FormData()
  for (const [name, value] of Object.entries(fields)) form.set(name, value)
  const request = new Request(`http://second.test/account?workspace=${shown}`, { method: "POST", headers: { cookie: person.cookie } })
  return tokenAction({ request, context: { services: world.services } as AppLoadContext }, form, "createToken")
}

describe("the Account page's token card", () => {
  it("makes the token in the workspace the form's select submitted, whatever the page showed", async () => {
    const { acme, beta, ada } = await inTwoWorkspaces()
    const result = await post(ada, acme, { intent: "createToken", workspaceId: beta, name: "Nightly report", role: "member", expiresInDays: "30" })
    expect(result).toMatchObject({ ok: true, data: { workspaceId: beta } })
    const caller = world.caller(ada)
    expect((await caller.apiTokens.list({ workspaceId: beta })).tokens.map((token) => token.name)).toEqual(["Nightly report"])
    expect((await caller.apiTokens.list({ workspaceId: acme })).tokens).toEqual([])
  })

  it("asks for a name in a sentence when it is only spaces, and makes nothing", async () => {
    const { acme, ada } = await inTwoWorkspaces()
    const result = await post(ada, acme, { intent: "createToken", workspaceId: acme, name: "   ", role: "member", expiresInDays: "30" })
    expect(result).toMatchObject({ ok: false, status: 400, message: API_TOKEN_NAME_MISSING, issues: [{ path: "name" }] })
    expect(API_TOKEN_NAME_MISSING).toMatch(/^Give the token a name.*e\.g\. “Nightly report”\.$/)
    expect((await world.caller(ada).apiTokens.list({ workspaceId: acme })).tokens).toEqual([])
  })

  it("shows the workspace ?workspace= names, and turns the no-script Show into that address", async () => {
    const { acme, beta, ada } = await inTwoWorkspaces()
    const caller = world.caller(ada)
    expect((await loadAccountTokens(caller, new URL(`http://second.test/account?workspace=${beta}`))).selected).toMatchObject({ id: beta, roles: ["member"] })
    expect((await loadAccountTokens(caller, new URL("http://second.test/account"))).selected?.id).toMatch(new RegExp(`^(${acme}|${beta})$`))
    const shown = await loadAccountTokens(caller, new URL(`http://second.test/account?workspaceId=${beta}&name=half&role=member&expiresInDays=30`)).then(
      () => null,
      (thrown: unknown) => thrown,
    )
    expect(shown).toBeInstanceOf(Response)
    expect((shown as Response).status).toBe(302)
    expect((shown as Response).headers.get("location")).toBe(`/account?workspace=${beta}`)
  })
})

describe("the audit log's words for tokens", () => {
  it("says API, not Api, in the filter and the sentence", () => {
    expect(auditActionLabel("api_token.created")).toBe("API token created")
    expect(auditActionLabel("api_token.revoked")).toBe("API token revoked")
    expect(auditFamilyLabel("api_token.")).toBe("All API token events")
    const event = {
      id: "e",
      action: "api_token.created",
      actorUserId: null,
      targetType: "api_token",
      targetId: "t",
      before: null,
      after: { name: "CI", role: "member", expiresAt: "2026-02-01T00:00:00.000Z" },
      createdAt: "2026-01-01T00:00:00.000Z",
    } as unknown as AuditEventView
    expect(sentenceText(auditSentence(event, EMPTY_DIRECTORY))).toContain("created the API token CI")
  })
})
