// The Account page's API tokens card as the server renders it: the form offers only roles up to
// the person's own and the four expiries, and each token shows its hint, role, dates, "never"
// when unused, and a Revoke button named after it; nothing of a secret. The workspace select is
// part of the create form, so a token is made where the select points; admins see whose each
// token is; a new token comes with its workspace id and how to send it.

import type { ReactElement } from "react"
import { renderToStaticMarkup } from "react-dom/server"
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server"
import { describe, expect, it } from "vitest"
import type { Role } from "#shared/auth/permissions.ts"
import { ApiTokensCard } from "#app/components/account/api-tokens-card.tsx"
import type { AccountTokens, TokenActionData } from "#app/api-tokens/account-tokens.server.ts"
import { API_TOKEN_NAME_MISSING } from "#app/api-tokens/api-token-text.ts"
import type { ActionResult } from "#app/trpc/caller.server.ts"
import { renderInRouter, textOf } from "#tests/fixtures/render-in-router.tsx"

const ACME = "c".repeat(24)
const BETA = "d".repeat(24)

const token = {
  id: "a".repeat(24),
  name: "Nightly report",
  role: "member" as const,
  hint: "Xy9_",
  userId: "b".repeat(24),
  ownerName: "Ada",
  mine: true,
  createdAt: "2026-01-01T00:00:00.000Z",
  expiresAt: "2026-01-31T00:00:00.000Z",
  expired: false,
  lastUsedAt: null,
}

const data = (roles: readonly Role[], more: Partial<AccountTokens> = {}): AccountTokens => ({
  workspaces: [
    { id: ACME, name: "Acme" },
    { id: BETA, name: "Beta" },
  ],
  selected: { id: ACME, name: "Acme", roles, manageAll: false },
  tokens: [token],
  ...more,
})

/** The card after the page's action answered `result` (a POST to a route with that action). */
async function renderAfterAction(element: ReactElement, result: ActionResult<TokenActionData>): Promise<string> {
  const handler = createStaticHandler([{ id: "account", path: "*", element, action: () => result }])
  const context = await handler.query(new Request("http://localhost/account?workspace=" + ACME, { method: "POST", body: new FormData() }))
  if (context instanceof Response) throw new Error(`the test route answered ${context.status}`)
  return renderToStaticMarkup(<StaticRouterProvider router={createStaticRouter(handler.dataRoutes, context)} context={context} hydrate={false} />)
}

/** The post form that creates tokens (the one with the Create token button). */
const createForm = (html: string) => [...html.matchAll(/<form[^>]*method="post"[^>]*>.*?<\/form>/gs)].map((match) => match[0]).find((form) => form.includes('value="createToken"')) ?? ""

describe("the API tokens card", () => {
  it("offers roles up to the person's own and the fixed expiries", async () => {
    const html = await renderInRouter(<ApiTokensCard data={data(["admin", "member"])} />, "http://localhost/account")
    const roleOptions = [...html.matchAll(/<select[^>]*name="role"[^>]*>(.*?)<\/select>/g)][0]?.[1] ?? ""
    expect([...roleOptions.matchAll(/value="([a-z]+)"/g)].map((match) => match[1])).toEqual(["admin", "member"])
    const expiryOptions = /<select[^>]*name="expiresInDays"[^>]*>(.*?)<\/select>/.exec(html)?.[1] ?? ""
    expect([...expiryOptions.matchAll(/value="(\d+)"/g)].map((match) => match[1])).toEqual(["7", "30", "90", "365"])
  })

  it("makes the token in the workspace its select shows: the select is the create form's workspaceId", async () => {
    const html = await renderInRouter(<ApiTokensCard data={data(["member"])} />, `http://localhost/account?workspace=${ACME}`)
    const form = createForm(html)
    // One workspace field in the form, and it is the select: no hidden copy of the page's workspace.
    expect([...form.matchAll(/name="workspaceId"/g)]).toHaveLength(1)
    const select = /<select[^>]*name="workspaceId"[^>]*>(.*?)<\/select>/.exec(form)?.[1] ?? ""
    expect(select).toMatch(new RegExp(`<option value="${ACME}" selected="">Acme</option>`))
    expect(select).toContain(`value="${BETA}"`)
    // Without scripts, Show loads the chosen workspace: a GET of the same form, skipping the name's required check.
    const show = /<button[^>]*>Show<\/button>/.exec(form)?.[0] ?? ""
    expect(show).toMatch(/formmethod="get"/i)
    expect(show).toMatch(/formnovalidate=""/i)
    expect(html).not.toMatch(/<form[^>]*method="get"/)
  })

  it("with one workspace, names it and carries its id in the create form", async () => {
    const html = await renderInRouter(<ApiTokensCard data={data(["member"], { workspaces: [{ id: ACME, name: "Acme" }] })} />, "http://localhost/account")
    const form = createForm(html)
    expect(form).toContain(`<input type="hidden" name="workspaceId" value="${ACME}"/>`)
    expect(form).not.toContain("<select name=\"workspaceId\"")
    expect(textOf(form)).toContain("Workspace: Acme")
  })

  it("keeps the Role and Expires selects level: the form's fields align to their tops", async () => {
    const form = createForm(await renderInRouter(<ApiTokensCard data={data(["member"])} />, "http://localhost/account"))
    expect(/<form[^>]*class="([^"]*)"/.exec(form)?.[1]).toContain("sm:items-start")
  })

  it("lists each token by name, hint, role, dates and last use", async () => {
    const text = textOf(await renderInRouter(<ApiTokensCard data={data(["member"])} />, "http://localhost/account"))
    expect(text).toContain("Nightly report sec_Xy9_… member")
    expect(text).toContain("expires 2026-01-31")
    expect(text).toContain("last used never")
    expect(text).toContain("Revoke")
    // Not an admin: every token is theirs, so no owner is named.
    expect(text).not.toContain("You ·")
  })

  it("lets a long name without spaces wrap instead of widening the page", async () => {
    const long = "x".repeat(80)
    const html = await renderInRouter(<ApiTokensCard data={data(["member"], { tokens: [{ ...token, name: long }] })} />, "http://localhost/account")
    const nameClass = new RegExp(`<span class="([^"]*)">${long}</span>`).exec(html)?.[1] ?? ""
    expect(nameClass.split(" ")).toEqual(expect.arrayContaining(["min-w-0", "wrap-anywhere"]))
  })

  it("shows an admin whose each token is: “You” for their own, the owner's name for others'", async () => {
    const tokens = [token, { ...token, id: "e".repeat(24), name: "Deploy", ownerName: "Mia Member", mine: false }]
    const admin = data(["admin", "member"], { tokens, selected: { id: ACME, name: "Acme", roles: ["admin", "member"], manageAll: true } })
    const text = textOf(await renderInRouter(<ApiTokensCard data={admin} />, "http://localhost/account"))
    expect(text).toContain("You · made")
    expect(text).toContain("Mia Member · made")
    expect(text).not.toContain("'s ·")
  })

  it("shows a new token once with its workspace id, a Copy button for each, and the header to send", async () => {
    const secret = `sec_${"Q".repeat(43)}`
    const html = await renderAfterAction(<ApiTokensCard data={data(["member"])} />, {
      ok: true,
      intent: "createToken",
      data: { done: "Created “Nightly report”.", token: secret, workspaceId: BETA },
    })
    const panel = /<div class="[^"]*" data-testid="new-api-token">.*$/s.exec(html)?.[0] ?? ""
    expect(panel).toContain(`value="${secret}"`)
    expect(panel).toMatch(new RegExp(`<input[^>]*data-testid="new-api-token-workspace-id"[^>]*value="${BETA}"`))
    const text = textOf(panel)
    expect(text).toContain("Copy token")
    expect(text).toContain("Copy workspace id")
    expect(text).toContain("It works in Beta only.")
    expect(text).toContain("Authorization: Bearer sec_QQQQ…")
    expect(text).toContain("SECOND_WORKSPACE_ID")
  })

  it("says what to fix when the name is refused, and marks the field", async () => {
    const html = await renderAfterAction(<ApiTokensCard data={data(["member"])} />, {
      ok: false,
      intent: "createToken",
      status: 400,
      message: API_TOKEN_NAME_MISSING,
      issues: [{ path: "name", message: API_TOKEN_NAME_MISSING }],
    })
    expect(textOf(html)).toContain("Give the token a name that says what it is for, e.g. “Nightly report”.")
    expect(html).toMatch(/<input[^>]*name="name"[^>]*aria-invalid="true"/)
  })

  it("says tokens need a workspace when the person has none", async () => {
    const text = textOf(await renderInRouter(<ApiTokensCard data={{ workspaces: [], selected: null, tokens: [] }} />, "http://localhost/account"))
    expect(text).toContain("join or create one first")
  })
})
