// The Account page's API tokens card, server side: which workspace it shows (?workspace=, else the
// first), that workspace's tokens, and the create and revoke form actions, all through the API.

import { redirect } from "@remix-run/node"
import type { Role } from "#shared/auth/permissions.ts"
import { canonicalName } from "../text/names.ts"
import type { ActionResult, PageArgs } from "../trpc/caller.server.ts"
import { act, field } from "../trpc/caller.server.ts"
import type { createCaller } from "../trpc/root.server.ts"
import type { ApiTokenView } from "./api-tokens.server.ts"
import { ACCOUNT_WORKSPACE_PARAM, API_TOKEN_EXPIRY_DAYS, API_TOKEN_NAME_MISSING, TOKEN_INTENTS, accountTokensPath, type ApiTokenExpiryDays } from "./api-token-text.ts"
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
  // Without scripts, the card's Show button submits the create form by GET: its workspaceId (and
  // whatever was typed) arrive in the address, which then becomes a plain ?workspace=.
  const submitted = url.searchParams.get("workspaceId")
  const wanted = submitted ?? url.searchParams.get(ACCOUNT_WORKSPACE_PARAM)
  const selected = workspaces.find((workspace) => workspace.id === wanted) ?? workspaces[0]
  if (submitted !== null) throw redirect(selected ? accountTokensPath(selected.id) : "/account")
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
  /** Only right after creating: the token, shown this once, and the workspace it was made in. */
  readonly token?: string
  readonly workspaceId?: string
}

const expiryOf = (value: string) => Number(value) as ApiTokenExpiryDays

export async function tokenAction(args: PageArgs, form: FormData, intent: (typeof TOKEN_INTENTS)[number]): Promise<ActionResult<TokenActionData>> {
  const workspaceId = field(form, "workspaceId")
  if (intent === "createToken") {
    const name = field(form, "name")
    // The API's own refusal ("name must not be empty") names a field; the form says what to type.
    if (canonicalName(name) === "") {
      return { ok: false, intent, status: 400, message: API_TOKEN_NAME_MISSING, issues: [{ path: "name", message: API_TOKEN_NAME_MISSING }], reasonCode: null }
    }
    return act(args, intent, async (caller) => {
      const { token, view } = await caller.apiTokens.create({
        workspaceId,
        name,
        role: field(form, "role") as Role,
        // Checked by the procedure: one of API_TOKEN_EXPIRY_DAYS.
        expiresInDays: expiryOf(field(form, "expiresInDays") || String(API_TOKEN_EXPIRY_DAYS[1])),
      })
      return { done: `Created “${view.name}”.`, token, workspaceId }
    })
  }
  return act(args, intent, async (caller) => {
    await caller.apiTokens.revoke({ workspaceId, tokenId: field(form, "tokenId") })
    return { done: "Revoked the token: scripts using it are refused from now on." }
  })
}
