// The home page. Until sign-in exists it shows whether this installation is ready: the web
// process, its stores and the worker.

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { useLoaderData } from "@remix-run/react"
import { createTRPCContext } from "../trpc/init.server.ts"
import { createCaller } from "../trpc/root.server.ts"

export const meta: MetaFunction = () => [
  { title: "Second" },
  { name: "description", content: "Build small web apps for your company by chatting with a coding agent." },
]

export async function loader({ request, context }: LoaderFunctionArgs) {
  const caller = createCaller(createTRPCContext({ services: context.services, request }))
  return { health: await caller.health(), installedAt: context.services.instance.createdAt }
}

const labels = { web: "Web", store: "Durable store", live: "Live coordination", worker: "Agent worker" } as const

export default function Home() {
  const { health, installedAt } = useLoaderData<typeof loader>()
  return (
    <main>
      <h1>Second</h1>
      <p className="lede">Build small web apps for your company by chatting with a coding agent, then share them with colleagues.</p>
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
