// The Account page's "API tokens" card: pick one of your workspaces, make a token for scripts
// (name, a role no higher than yours there, an expiry), copy it once, and see or revoke tokens.
// One plain form: the workspace select is part of it, so a token is always made in the workspace
// the select shows. Once scripts run, changing the select shows that workspace at once; without
// them its Show button does (a GET of the same form, which the loader turns into ?workspace=).

import { Form, useActionData, useNavigate, useNavigation } from "@remix-run/react"
import { useEffect, useState } from "react"
import type { AccountTokens, TokenActionData } from "../../api-tokens/account-tokens.server.ts"
import { accountTokensPath, API_TOKEN_EXPIRY_DAYS, API_TOKEN_NAME_MAX, TOKEN_INTENTS } from "../../api-tokens/api-token-text.ts"
import type { ActionResult } from "../../trpc/caller.server.ts"
import { Button } from "../ui/button.tsx"
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card.tsx"
import { Input, Select } from "../ui/input.tsx"
import { Field } from "../ui/label.tsx"
import { Notice } from "../ui/notice.tsx"
import { ApiTokenList } from "./api-token-list.tsx"
import { NewTokenSecret } from "./new-token-secret.tsx"

type Selected = NonNullable<AccountTokens["selected"]>

/** The last token action's outcome, when there is one. */
function useTokenOutcome() {
  const outcome = useActionData<ActionResult<TokenActionData>>()
  return outcome && (TOKEN_INTENTS as readonly string[]).includes(outcome.intent) ? outcome : null
}

function TokenOutcome({ workspaces }: { workspaces: AccountTokens["workspaces"] }) {
  const outcome = useTokenOutcome()
  if (!outcome) return null
  if (!outcome.ok) return <Notice tone="error">{outcome.message}</Notice>
  const { token, workspaceId, done } = outcome.data
  if (!token || !workspaceId) return <Notice tone="success">{done}</Notice>
  const workspace = workspaces.find((known) => known.id === workspaceId)
  return <NewTokenSecret token={token} workspace={{ id: workspaceId, name: workspace?.name ?? null }} />
}

/** True once the page runs its scripts (false in the server's HTML). */
function useHydrated() {
  const [hydrated, setHydrated] = useState(false)
  useEffect(() => setHydrated(true), [])
  return hydrated
}

function CreateTokenForm({ data, selected }: { data: AccountTokens; selected: Selected }) {
  const navigation = useNavigation()
  const navigate = useNavigate()
  const hydrated = useHydrated()
  const outcome = useTokenOutcome()
  const creating = navigation.state !== "idle" && navigation.formData?.get("intent") === "createToken"
  // While another workspace loads, its roles are not known yet: Create waits for it.
  const busy = navigation.state !== "idle"
  // What the select shows is what the form submits; it follows the page to another workspace.
  const [workspaceId, setWorkspaceId] = useState(selected.id)
  useEffect(() => setWorkspaceId(selected.id), [selected.id])
  // After a token was made the fields start over, so a second click cannot make a duplicate.
  const made = outcome?.ok && outcome.data.token ? outcome.data.token : "none"
  const nameProblem = outcome && !outcome.ok ? outcome.issues?.some((issue) => issue.path === "name") : false
  return (
    // Posted to the address of the workspace it is made in, so the page then shows that workspace.
    <Form method="post" action={accountTokensPath(workspaceId)} className="grid gap-4 sm:grid-cols-2 sm:items-start" aria-label="New API token">
      {data.workspaces.length > 1 ? (
        <div className="flex flex-col gap-2 sm:col-span-2 sm:flex-row sm:items-start">
          <Field label="Workspace" hint="The token works in this workspace only; the list below shows its tokens." className="sm:max-w-sm sm:flex-1">
            <Select
              name="workspaceId"
              value={workspaceId}
              onChange={(event) => {
                setWorkspaceId(event.currentTarget.value)
                navigate(accountTokensPath(event.currentTarget.value), { replace: true, preventScrollReset: true })
              }}
            >
              {data.workspaces.map((workspace) => (
                <option key={workspace.id} value={workspace.id}>
                  {workspace.name}
                </option>
              ))}
            </Select>
          </Field>
          {hydrated ? null : (
            // Level with the select: below its label (a 20 px line and the field's 6 px gap).
            <div className="sm:pt-6.5">
              <Button type="submit" variant="outline" formMethod="get" formNoValidate>
                Show
              </Button>
            </div>
          )}
        </div>
      ) : (
        <p className="text-sm sm:col-span-2">
          <input type="hidden" name="workspaceId" value={selected.id} />
          <span className="text-muted-foreground">Workspace: </span>
          <span className="font-medium wrap-anywhere">{selected.name}</span>
        </p>
      )}
      <Field label="Name" hint="What the token is for, such as “Nightly report”." className="sm:col-span-2">
        <Input key={made} name="name" required maxLength={API_TOKEN_NAME_MAX} autoComplete="off" aria-invalid={nameProblem || undefined} />
      </Field>
      <Field label="Role" hint="No higher than yours in this workspace.">
        <Select key={`${selected.id}:${made}`} name="role" defaultValue={selected.roles[selected.roles.length - 1]}>
          {selected.roles.map((role) => (
            <option key={role} value={role}>
              {role}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Expires after" hint="Scripts stop working then; make a new token.">
        <Select key={made} name="expiresInDays" defaultValue="30">
          {API_TOKEN_EXPIRY_DAYS.map((days) => (
            <option key={days} value={days}>
              {days === 365 ? "1 year" : `${days} days`}
            </option>
          ))}
        </Select>
      </Field>
      <div className="sm:col-span-2">
        <Button type="submit" name="intent" value="createToken" disabled={busy}>
          {creating ? "Creating…" : "Create token"}
        </Button>
      </div>
    </Form>
  )
}

export function ApiTokensCard({ data }: { data: AccountTokens }) {
  const { selected } = data
  return (
    <Card>
      <CardHeader>
        <CardTitle>API tokens</CardTitle>
        <CardDescription>
          For scripts: a token acts as you in one workspace, with the role you give it, until it expires or you revoke it. Send it as{" "}
          <code>Authorization: Bearer sec_…</code>.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-5">
        {selected === null ? (
          <p className="text-sm text-muted-foreground">Tokens belong to a workspace: join or create one first.</p>
        ) : (
          <>
            <CreateTokenForm data={data} selected={selected} />
            <TokenOutcome workspaces={data.workspaces} />
            <ApiTokenList tokens={data.tokens} workspaceId={selected.id} showOwner={selected.manageAll} />
          </>
        )}
      </CardContent>
    </Card>
  )
}
