// The front door. Signed-in people go straight to their last workspace (or create their first);
// everyone else sees what Second is, whether this installation is ready, and how to sign in.

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { redirect } from "@remix-run/node"
import { Link, useLoaderData } from "@remix-run/react"
import { ArrowRight, CircleCheck, TriangleAlert } from "lucide-react"
import { Button } from "../components/ui/button.tsx"
import { Card, CardContent } from "../components/ui/card.tsx"
import { cn } from "../components/ui/cn.ts"
import { Logo } from "../components/ui/logo.tsx"
import { PageMain } from "../components/ui/page.tsx"
import { RelativeTime } from "../components/ui/relative-time.tsx"
import { readCookie } from "../auth/session-cookie.server.ts"
import { callerFor } from "../trpc/caller.server.ts"
import { LAST_WORKSPACE_COOKIE } from "../workspaces/last-workspace.server.ts"

export const meta: MetaFunction = () => [
  { title: "Second" },
  { name: "description", content: "Build small web apps for your company by chatting with a coding agent." },
]

export async function loader(args: LoaderFunctionArgs) {
  const caller = await callerFor(args)
  const { user, authMode } = await caller.auth.me()
  if (user) {
    const workspaces = await caller.workspaces.list()
    const last = readCookie(args.request, LAST_WORKSPACE_COOKIE)
    const target = workspaces.find((workspace) => workspace.id === last) ?? workspaces[0]
    throw redirect(target ? `/w/${target.id}` : "/workspaces/new")
  }
  return { health: await caller.health(), installedAt: args.context.services.instance.createdAt, authMode }
}

const labels = { web: "Web", store: "Durable store", live: "Live coordination", worker: "Agent worker" } as const

/** What a state means for the person reading the page, and what an operator sets to fix it. */
const STATE_TEXT: Readonly<Record<string, { text: string; fix?: string }>> = {
  ok: { text: "ready" },
  unavailable: { text: "unavailable", fix: "Check that it is running and that the web can reach it (see the server log)." },
  unreachable: { text: "unreachable", fix: "Start the worker and check WORKER_URL." },
  unauthorized: { text: "refuses this web", fix: "Set the same INTERNAL_API_TOKEN on the web and the worker." },
  "no-runtime": {
    text: "no agent runtime",
    fix: "Give the worker a provider key (ANTHROPIC_API_KEY, or OPENAI_API_KEY / CODEX_API_KEY) and its CLI; members see each runtime's reason on the Apps page.",
  },
}

export default function Home() {
  const { health, installedAt, authMode } = useLoaderData<typeof loader>()
  return (
    <PageMain width="narrow" className="grid min-h-dvh content-center gap-8">
      <div className="grid gap-4">
        <Logo />
        <h1 className="text-3xl font-semibold tracking-tight text-balance">Build small web apps for your company</h1>
        <p className="text-base text-muted-foreground text-pretty">
          Chat with a coding agent to build them, then share them with colleagues.
        </p>
        <div>
          <Button asChild size="lg">
            <Link to={authMode === "none" ? "/onboarding" : "/sign-in"} data-testid="get-started">
              {authMode === "none" ? "Get started" : "Sign in"}
              <ArrowRight aria-hidden />
            </Link>
          </Button>
        </div>
      </div>
      <Card>
        <CardContent>
          <section aria-label="Installation status" className="grid gap-3">
            <ul className="grid gap-2.5">
              {(Object.keys(labels) as (keyof typeof labels)[]).map((component) => {
                const state = STATE_TEXT[health[component]] ?? { text: health[component] }
                const ok = health[component] === "ok"
                return (
                  <li key={component} className="grid gap-0.5">
                    <div className="flex items-center justify-between gap-4">
                      <span>{labels[component]}</span>
                      <span className={cn("inline-flex items-center gap-1.5 font-medium", ok ? "text-success" : "text-warning")} data-testid={`state-${component}`}>
                        {ok ? <CircleCheck className="size-4" aria-hidden /> : <TriangleAlert className="size-4" aria-hidden />}
                        {state.text}
                      </span>
                    </div>
                    {!ok && state.fix ? (
                      <p className="text-xs text-muted-foreground" data-testid={`fix-${component}`}>
                        {state.fix}
                      </p>
                    ) : null}
                  </li>
                )
              })}
            </ul>
            <p className="text-xs text-muted-foreground" data-testid="installed-at">
              Installed <RelativeTime iso={installedAt} />
            </p>
          </section>
        </CardContent>
      </Card>
    </PageMain>
  )
}
