// Apps: the workspace's apps the viewer can see (their own, ones they collaborate on, or all for
// admins), and the composer that creates an app from a first message and opens its builder.

import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { redirect } from "@remix-run/node"
import { Form, Link, useActionData, useLoaderData, useNavigation, useParams } from "@remix-run/react"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import builderStyles from "../components/builder/builder.css?url"
import { defaultRuntime, ModelInput, RuntimePicker, runtimeLabel } from "../components/builder/runtime-picker.tsx"
import { FormMessage } from "../components/form-message.tsx"
import { readForm } from "../forms/read-form.server.ts"
import { act, field, load, reply } from "../trpc/caller.server.ts"

export const meta: MetaFunction = () => [{ title: "Apps · Second" }]
export const links: LinksFunction = () => [{ rel: "stylesheet", href: builderStyles }]

export async function loader(args: LoaderFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  return load(args, async (caller) => {
    const [apps, runtimes] = await Promise.all([caller.apps.list({ workspaceId }), caller.apps.runtimes({ workspaceId })])
    return { apps, runtimes }
  })
}

export async function action(args: ActionFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  const form = await readForm(args.request)
  const name = field(form, "name").trim()
  const result = await act(args, "create", (caller) =>
    caller.apps.create({
      workspaceId,
      prompt: field(form, "prompt"),
      // The procedure validates it; a disabled (unusable) choice arrives as "".
      runtime: field(form, "runtime") as RuntimeId,
      model: field(form, "model"),
      ...(name ? { name } : {}),
    }),
  )
  if (result.ok) throw redirect(`/w/${workspaceId}/apps/${result.data.app.id}`)
  return reply(result)
}

export default function Apps() {
  const { apps, runtimes } = useLoaderData<typeof loader>()
  const outcome = useActionData<typeof action>()
  const creating = useNavigation().state === "submitting"
  const noneUsable = !runtimes.some((runtime) => runtime.usable)
  const base = `/w/${useParams()["workspaceId"]}/apps`
  return (
    <main className="page">
      <h1>Apps</h1>
      <p className="lede">Describe an app and an agent builds it; keep chatting to change it.</p>

      <section className="card" aria-label="New app">
        <h2>New app</h2>
        <Form method="post" className="stack new-app">
          <label>
            What should it do?
            <textarea
              name="prompt"
              required
              rows={4}
              maxLength={100_000}
              placeholder="A page where the team can log lunch orders, with a total per person…"
              data-testid="new-app-prompt"
            />
          </label>
          <div className="composer-options">
            <RuntimePicker runtimes={runtimes} defaultValue={defaultRuntime(runtimes, null)} />
            <ModelInput defaultValue={null} runtime={defaultRuntime(runtimes, null)} />
            <label>
              <span>
                Name <span className="muted">(optional)</span>
              </span>
              <input name="name" maxLength={80} placeholder="from the message" data-testid="new-app-name" />
            </label>
          </div>
          {noneUsable ? (
            <p className="form-error" role="alert">
              No runtime can be used right now, so no app can be built; the reasons are listed above.
            </p>
          ) : null}
          <button type="submit" className="primary" disabled={creating || noneUsable} data-testid="create-app">
            {creating ? "Creating…" : "Create app"}
          </button>
          <FormMessage outcome={outcome} intent="create" />
        </Form>
      </section>

      <section aria-label="Your apps">
        <h2>Your apps</h2>
        {apps.length === 0 ? (
          <p className="muted" data-testid="no-apps">
            No apps yet.
          </p>
        ) : (
          <ul className="app-list">
            {apps.map((app) => (
              <li key={app.id} data-testid="app-item" data-app-id={app.id}>
                <Link to={`${base}/${app.id}`} className="app-name">
                  {app.name}
                </Link>
                {app.description ? (
                  <span className="muted" data-testid="app-description">
                    {app.description}
                  </span>
                ) : null}
                <span className="pill">{runtimeLabel(app.runtime)}</span>
                {app.running ? (
                  <span className="pill badge-running" data-testid="app-running">
                    working
                  </span>
                ) : null}
                <span className="spacer" />
                <time className="muted" dateTime={app.updatedAt}>
                  updated {new Date(app.updatedAt).toUTCString()}
                </time>
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  )
}
