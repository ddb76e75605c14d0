// Settings → Runtime: how apps may behave in their frame — run scripts, copy to the clipboard,
// open other sites — for the builder's preview and the published app alike. Everyone reads them;
// owners and admins change them (audited; open app pages reload their frame).

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node"
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react"
import type { AppRuntimeSettings } from "#shared/apps/frame-policy.ts"
import { FormMessage } from "../components/form-message.tsx"
import { settingsMeta } from "../components/settings/workspace-title.ts"
import { Button } from "../components/ui/button.tsx"
import { Card, CardContent } from "../components/ui/card.tsx"
import { Notice } from "../components/ui/notice.tsx"
import { PageHeader, PageMain } from "../components/ui/page.tsx"
import { readForm } from "../forms/read-form.server.ts"
import { act, load, reply } from "../trpc/caller.server.ts"

export const meta = settingsMeta("Runtime")

export async function loader(args: LoaderFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  return load(args, async (caller) => {
    const [workspace, runtime] = await Promise.all([caller.workspaces.get({ workspaceId }), caller.workspaces.runtimeSettings({ workspaceId })])
    return { workspaceName: workspace.name, canManage: workspace.permissions.includes("workspace:manage"), ...runtime }
  })
}

export async function action(args: ActionFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  const form = await readForm(args.request)
  // A checkbox left unticked is not sent at all: absent means off.
  const on = (name: string) => form.get(name) === "on"
  return reply(
    await act(args, "save", async (caller) => {
      const saved = await caller.workspaces.saveRuntimeSettings({ workspaceId, scripts: on("scripts"), clipboard: on("clipboard"), externalLinks: on("externalLinks") })
      return saved.settings
    }),
  )
}

const SWITCHES: readonly { readonly name: keyof AppRuntimeSettings; readonly label: string; readonly on: string; readonly off: string }[] = [
  {
    name: "scripts",
    label: "Run scripts",
    on: "Apps run their JavaScript: buttons, forms that save, live data and agents all work.",
    off: "Apps show only their HTML and CSS. Almost every app stops working: nothing reacts to clicks, no data loads or saves.",
  },
  {
    name: "clipboard",
    label: "Copy to the clipboard",
    on: "Apps may put text on the clipboard (a Copy button). They can never read what people copied elsewhere.",
    off: "Copy buttons in apps fail; people can still select text and copy it themselves.",
  },
  {
    name: "externalLinks",
    label: "Open other sites",
    on: "Links in apps may open other websites in a new tab, which then work as they normally do.",
    off: "Links to other websites in apps do nothing.",
  },
]

export default function RuntimeSettings() {
  const { workspaceName, canManage, settings } = useLoaderData<typeof loader>()
  const outcome = useActionData<typeof action>()
  const saving = useNavigation().state === "submitting"
  return (
    <PageMain width="narrow">
      <PageHeader
        title="Runtime"
        description={`What apps in ${workspaceName} may do in their frame, in the builder's preview and for colleagues alike. Apps never get access to this site's cookies or pages, whatever is set here.`}
      />
      {!canManage ? (
        <Notice className="mb-4">Only owners and admins can change these.</Notice>
      ) : null}
      <FormMessage outcome={outcome} intent="save" success="Saved. Open apps reload with the new settings." />
      <Card className="mt-3" data-testid="runtime-settings">
        <CardContent>
          <Form method="post" className="grid gap-5">
            <fieldset className="grid gap-5" disabled={!canManage}>
              <legend className="sr-only">App frame settings</legend>
              {SWITCHES.map((each) => (
                <label key={each.name} className="flex items-start gap-3">
                  <input
                    type="checkbox"
                    role="switch"
                    name={each.name}
                    defaultChecked={settings[each.name]}
                    aria-describedby={`${each.name}-meaning`}
                    className="mt-0.5 size-5 shrink-0 accent-primary"
                  />
                  <span className="grid gap-1">
                    <span className="text-sm font-medium">{each.label}</span>
                    <span id={`${each.name}-meaning`} className="text-sm text-muted-foreground">
                      On: {each.on} Off: {each.off}
                    </span>
                  </span>
                </label>
              ))}
            </fieldset>
            {canManage ? (
              <div>
                <Button type="submit" disabled={saving}>
                  {saving ? "Saving…" : "Save"}
                </Button>
              </div>
            ) : null}
          </Form>
        </CardContent>
      </Card>
    </PageMain>
  )
}
