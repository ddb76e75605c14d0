// Your account: your name, how the product looks for you, and every browser signed in as you,
// each of which you can sign out from here, and your API tokens for scripts.

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node"
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react"
import { ArrowLeft } from "lucide-react"
import { loadAccountTokens, tokenAction } from "../api-tokens/account-tokens.server.ts"
import { TOKEN_INTENTS } from "../api-tokens/api-token-text.ts"
import { ApiTokensCard } from "../components/account/api-tokens-card.tsx"
import { SessionList } from "../components/settings/session-list.tsx"
import { Button } from "../components/ui/button.tsx"
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../components/ui/card.tsx"
import { Input } from "../components/ui/input.tsx"
import { Field } from "../components/ui/label.tsx"
import { Notice } from "../components/ui/notice.tsx"
import { Logo } from "../components/ui/logo.tsx"
import { PageHeader, PageMain } from "../components/ui/page.tsx"
import { ThemeSwitch } from "../components/ui/theme-switch.tsx"
import { readForm } from "../forms/read-form.server.ts"
import { pageTitle } from "../text/page-title.ts"
import { act, field, load, reply } from "../trpc/caller.server.ts"

export const meta = () => pageTitle("Account")

export async function loader(args: LoaderFunctionArgs) {
  return load(args, async (caller) => {
    const [me, sessions, tokens] = await Promise.all([caller.auth.me(), caller.auth.sessions(), loadAccountTokens(caller, new URL(args.request.url))])
    return { user: me.user, authMode: me.authMode, sessions, tokens }
  })
}

export async function action(args: ActionFunctionArgs) {
  const form = await readForm(args.request)
  const intent = field(form, "intent") || "revoke"
  const tokenIntent = TOKEN_INTENTS.find((known) => known === intent)
  if (tokenIntent) return reply(await tokenAction(args, form, tokenIntent))
  if (intent === "profile") {
    return reply(
      await act(args, intent, async (caller) => {
        const { displayName } = await caller.auth.updateProfile({ displayName: field(form, "displayName") })
        return { done: `Saved. People now see you as “${displayName}”.` }
      }),
    )
  }
  if (intent === "revokeOthers") {
    return reply(
      await act(args, intent, async (caller) => {
        const others = (await caller.auth.sessions()).filter((session) => !session.current)
        for (const session of others) await caller.auth.revokeSession({ sessionId: session.id })
        return { done: `Signed out ${others.length} other ${others.length === 1 ? "browser" : "browsers"}.` }
      }),
    )
  }
  return reply(
    await act(args, "revoke", async (caller) => {
      await caller.auth.revokeSession({ sessionId: field(form, "sessionId") })
      return { done: "Signed out that browser." }
    }),
  )
}

function Outcome({ intents }: { intents: readonly string[] }) {
  const outcome = useActionData<typeof action>()
  if (!outcome || !intents.includes(outcome.intent)) return null
  return outcome.ok ? <Notice tone="success">{outcome.data.done}</Notice> : <Notice tone="error">{outcome.message}</Notice>
}

export default function Account() {
  const { user, authMode, sessions, tokens } = useLoaderData<typeof loader>()
  const navigation = useNavigation()
  const saving = navigation.state !== "idle" && navigation.formData?.get("intent") === "profile"
  return (
    <>
      <header className="border-b">
        <div className="mx-auto flex max-w-3xl items-center justify-between gap-3 px-4 py-3 sm:px-6">
          <Link to="/" aria-label="Second, home" className="rounded-md">
            <Logo />
          </Link>
          <Button asChild variant="ghost" size="sm">
            <Link to="/">
              <ArrowLeft aria-hidden />
              Back to your workspace
            </Link>
          </Button>
        </div>
      </header>
      <PageMain className="max-w-3xl">
        <PageHeader title="Account" description={user ? `Signed in as ${user.email}.` : undefined} />
        <div className="grid gap-6">
          <Card>
            <CardHeader>
              <CardTitle>Profile</CardTitle>
              <CardDescription>Your name is what others see in members lists, on apps and in the audit log.</CardDescription>
            </CardHeader>
            <CardContent className="grid gap-4">
              {authMode === "external" ? (
                <div className="grid gap-3 text-sm">
                  <dl className="grid gap-3">
                    <div>
                      <dt className="text-muted-foreground">Name</dt>
                      <dd className="font-medium break-words">{user?.displayName}</dd>
                    </div>
                    <div>
                      <dt className="text-muted-foreground">Email</dt>
                      <dd className="break-all">{user?.email}</dd>
                    </div>
                  </dl>
                  <p className="text-muted-foreground">Both come from your identity provider; change them there and sign in again.</p>
                </div>
              ) : (
                <Form method="post" className="grid gap-4 sm:max-w-sm">
                  <Field label="Display name">
                    <Input name="displayName" defaultValue={user?.displayName} key={user?.displayName} required maxLength={80} autoComplete="name" />
                  </Field>
                  <p className="text-sm">
                    <span className="text-muted-foreground">Email: </span>
                    <span className="break-all">{user?.email}</span>
                  </p>
                  <div>
                    <Button type="submit" name="intent" value="profile" disabled={saving}>
                      {saving ? "Saving…" : "Save"}
                    </Button>
                  </div>
                </Form>
              )}
              <Outcome intents={["profile"]} />
            </CardContent>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle>Appearance</CardTitle>
              <CardDescription>Light, dark, or whatever your system is set to. Remembered in this browser.</CardDescription>
            </CardHeader>
            <CardContent>
              <ThemeSwitch />
            </CardContent>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle>Signed-in browsers</CardTitle>
              <CardDescription>Every browser signed in as you. Sign out any you do not recognise.</CardDescription>
            </CardHeader>
            <CardContent className="grid gap-3">
              <Outcome intents={["revoke", "revokeOthers"]} />
              <SessionList sessions={sessions} />
            </CardContent>
          </Card>

          <ApiTokensCard data={tokens} />
        </div>
      </PageMain>
    </>
  )
}
