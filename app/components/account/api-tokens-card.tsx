// The Account page's "API tokens" card: pick one of your workspaces, make a token for scripts
// (name, a role no higher than yours there, an expiry), copy it once, and see or revoke tokens.
// Plain forms: the workspace picker is a GET form, create and revoke post to the page's action.

import { Form, useActionData, useNavigation } from "@remix-run/react"
import type { AccountTokens, TokenActionData } from "../../api-tokens/account-tokens.server.ts"
import { API_TOKEN_EXPIRY_DAYS, API_TOKEN_NAME_MAX, TOKEN_INTENTS } from "../../api-tokens/api-token-text.ts"
import type { ActionResult } from "../../trpc/caller.server.ts"
import { Button } from "../ui/button.tsx"
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card.tsx"
import { Input, Select } from "../ui/input.tsx"
import { Field } from "../ui/label.tsx"
import { Notice } from "../ui/notice.tsx"
import { ApiTokenList } from "./api-token-list.tsx"
import { NewTokenSecret } from "./new-token-secret.tsx"

function TokenOutcome() {
  const outcome = useActionData<ActionResult<TokenActionData>>()
  if (!outcome || !(TOKEN_INTENTS as readonly string[]).includes(outcome.intent)) return null
  if (!outcome.ok) return <Notice tone="error">{outcome.message}</Notice>
  return outcome.data.token ? <NewTokenSecret token={outcome.data.token} /> : <Notice tone="success">{outcome.data.done}</Notice>
}

export function ApiTokensCard({ data }: { data: AccountTokens }) {
  const navigation = useNavigation()
  const creating = navigation.state !== "idle" && navigation.formData?.get("intent") === "createToken"
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
            {data.workspaces.length > 1 ? (
              <Form method="get" className="flex flex-col gap-2 sm:flex-row sm:items-end">
                <Field label="Workspace" className="sm:max-w-xs sm:flex-1">
                  <Select name="workspace" defaultValue={selected.id} key={selected.id}>
                    {data.workspaces.map((workspace) => (
                      <option key={workspace.id} value={workspace.id}>
                        {workspace.name}
                      </option>
                    ))}
                  </Select>
                </Field>
                <div>
                  <Button type="submit" variant="outline">
                    Show
                  </Button>
                </div>
              </Form>
            ) : (
              <p className="text-sm">
                <span className="text-muted-foreground">Workspace: </span>
                <span className="font-medium break-words">{selected.name}</span>
              </p>
            )}

            <Form method="post" className="grid gap-4 sm:grid-cols-2" aria-label={`New API token in ${selected.name}`}>
              <input type="hidden" name="workspaceId" value={selected.id} />
              <Field label="Name" hint="What the token is for, such as “Nightly report”." className="sm:col-span-2">
                <Input name="name" required maxLength={API_TOKEN_NAME_MAX} autoComplete="off" />
              </Field>
              <Field label="Role" hint="No higher than yours in this workspace.">
                <Select name="role" defaultValue={selected.roles[selected.roles.length - 1]}>
                  {selected.roles.map((role) => (
                    <option key={role} value={role}>
                      {role}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field label="Expires after">
                <Select name="expiresInDays" defaultValue="30">
                  {API_TOKEN_EXPIRY_DAYS.map((days) => (
                    <option key={days} value={days}>
                      {days === 365 ? "1 year" : `${days} days`}
                    </option>
                  ))}
                </Select>
              </Field>
              <div className="sm:col-span-2">
                <Button type="submit" name="intent" value="createToken" disabled={creating}>
                  {creating ? "Creating…" : "Create token"}
                </Button>
              </div>
            </Form>

            <TokenOutcome />
            <ApiTokenList tokens={data.tokens} workspaceId={selected.id} showOwner={selected.manageAll} />
          </>
        )}
      </CardContent>
    </Card>
  )
}
