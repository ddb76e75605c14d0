// The Account page's API tokens card, server side: which workspace it shows (?workspace=, else the
// first), that workspace's tokens, and the create and revoke form actions, all through the API.

import type { Role } from "#shared/auth/permissions.ts"
import type { ActionResult, PageArgs } from "../trpc/caller.server.ts"
import { act, field } from "../trpc/caller.server.ts"
import type { createCaller } from "../trpc/root.server.ts"
import type { ApiTokenView } from "./api-tokens.server.ts"
import { API_TOKEN_EXPIRY_DAYS, TOKEN_INTENTS, type ApiTokenExpiryDays } from "./api-token-text.ts"
import { rolesWithin } from "./token-role.ts"

type Caller = ReturnType<typeof createCaller>

export interface AccountTokens {
  readonly workspaces: readonly { readonly id: string; readonly name: string }[]
  /** The workspace the card shows; null when the person belongs to none. */
  readonly selected: { readonly id: string; readonly name: string; readonly roles: readonly Role[]; readonly manageAll: boolean } | null
  readonly tokens: readonly ApiTokenView[]
}

export async function loadAccountTokens(caller: Caller, url: URL): Promise<AccountTokens> {
  const workspaces = await caller.workspaces.list()
  const wanted = url.searchParams.get("workspace")
  const selected = workspaces.find((workspace) => workspace.id === wanted) ?? workspaces[0]
  if (!selected) return { workspaces: [], selected: null, tokens: [] }
  const [{ tokens }, workspace] = await Promise.all([caller.apiTokens.list({ workspaceId: selected.id }), caller.workspaces.get({ workspaceId: selected.id })])
  return {
    workspaces: workspaces.map(({ id, name }) => ({ id, name })),
    selected: { id: selected.id, name: selected.name, roles: rolesWithin(selected.role), manageAll: workspace.permissions.includes("tokens:manage") },
    tokens,
  }
}

export interface TokenActionData {
  readonly done: string
  /** Only right after creating: the token, shown this once. */
  readonly token?: string
}

const expiryOf = (value: string) => Number(value) as ApiTokenExpiryDays

export async function tokenAction(args: PageArgs, form: FormData, intent: (typeof TOKEN_INTENTS)[number]): Promise<ActionResult<TokenActionData>> {
  const workspaceId = field(form, "workspaceId")
  if (intent === "createToken") {
    return act(args, intent, async (caller) => {
      const { token, view } = await caller.apiTokens.create({
        workspaceId,
        name: field(form, "name"),
        role: field(form, "role") as Role,
        // Checked by the procedure: one of API_TOKEN_EXPIRY_DAYS.
        expiresInDays: expiryOf(field(form, "expiresInDays") || String(API_TOKEN_EXPIRY_DAYS[1])),
      })
      return { done: `Created “${view.name}”.`, token }
    })
  }
  return act(args, intent, async (caller) => {
    await caller.apiTokens.revoke({ workspaceId, tokenId: field(form, "tokenId") })
    return { done: "Revoked the token: scripts using it are refused from now on." }
  })
}
