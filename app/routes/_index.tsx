// The front door. Signed-in people go straight to their last workspace (or create their first);
// everyone else sees what Second is, whether this installation is ready, and how to sign in.

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { redirect } from "@remix-run/node"
import { Link, useLoaderData } from "@remix-run/react"
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

export default function Home() {
  const { health, installedAt, authMode } = useLoaderData<typeof loader>()
  return (
    <main>
      <h1>Second</h1>
      <p className="lede">Build small web apps for your company by chatting with a coding agent, then share them with colleagues.</p>
      <p>
        <Link to={authMode === "none" ? "/onboarding" : "/sign-in"} className="button-link" data-testid="get-started">
          {authMode === "none" ? "Get started" : "Sign in"}
        </Link>
      </p>
      <section className="card" aria-label="Installation status">
        <ul className="status">
          {(Object.keys(labels) as (keyof typeof labels)[]).map((component) => (
            <li key={component}>
              <span>{labels[component]}</span>
              <span className={health[component] === "ok" ? "state-ok" : "state-bad"} data-testid={`state-${component}`}>
                {health[component] === "ok" ? "ready" : health[component]}
              </span>
            </li>
          ))}
        </ul>
        <p className="muted" data-testid="installed-at">
          Installed {new Date(installedAt).toUTCString()}
        </p>
      </section>
    </main>
  )
}
