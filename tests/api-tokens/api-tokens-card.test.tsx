// The Account page's API tokens card as the server renders it: the form offers only roles up to
// the person's own and the four expiries, and each token shows its hint, role, dates, "never"
// when unused, and a Revoke button named after it; nothing of a secret.

import { describe, expect, it } from "vitest"
import type { Role } from "#shared/auth/permissions.ts"
import { ApiTokensCard } from "#app/components/account/api-tokens-card.tsx"
import type { AccountTokens } from "#app/api-tokens/account-tokens.server.ts"
import { renderInRouter, textOf } from "#tests/fixtures/render-in-router.tsx"

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

const data = (roles: readonly Role[]): AccountTokens => ({
  workspaces: [{ id: "c".repeat(24), name: "Acme" }, { id: "d".repeat(24), name: "Beta" }],
  selected: { id: "c".repeat(24), name: "Acme", roles, manageAll: false },
  tokens: [token],
})

describe("the API tokens card", () => {
  it("offers roles up to the person's own and the fixed expiries", async () => {
    const html = await renderInRouter(<ApiTokensCard data={data(["admin", "member"])} />, "http://localhost/account")
    const roleOptions = [...html.matchAll(/<select[^>]*name="role"[^>]*>(.*?)<\/select>/g)][0]?.[1] ?? ""
    expect([...roleOptions.matchAll(/value="([a-z]+)"/g)].map((match) => match[1])).toEqual(["admin", "member"])
    const expiryOptions = /<select[^>]*name="expiresInDays"[^>]*>(.*?)<\/select>/.exec(html)?.[1] ?? ""
    expect([...expiryOptions.matchAll(/value="(\d+)"/g)].map((match) => match[1])).toEqual(["7", "30", "90", "365"])
    expect(html).toMatch(/<select[^>]*name="workspace"/)
  })

  it("lists each token by name, hint, role, dates and last use", async () => {
    const text = textOf(await renderInRouter(<ApiTokensCard data={data(["member"])} />, "http://localhost/account"))
    expect(text).toContain("Nightly report sec_Xy9_… member")
    expect(text).toContain("expires 2026-01-31")
    expect(text).toContain("last used never")
    expect(text).toContain("Revoke")
  })

  it("says tokens need a workspace when the person has none", async () => {
    const text = textOf(await renderInRouter(<ApiTokensCard data={{ workspaces: [], selected: null, tokens: [] }} />, "http://localhost/account"))
    expect(text).toContain("join or create one first")
  })
})
