// Settings → Runtime: how apps may behave in their frame — run scripts, copy to the clipboard,
// open other sites — for the builder's preview and the published app alike. Everyone reads them;
// owners and admins change them (audited; open app pages reload their frame). Turning scripts off
// asks first, since nearly every app then stops working.

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node"
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react"
import { useEffect, useState } from "react"
import { APP_RUNTIME_SETTING_LABELS, describeAppRuntimeSettings, SCRIPTS_OFF_EFFECT, type AppRuntimeSettings } from "#shared/apps/frame-policy.ts"
import { ConfirmDialogContent } from "../components/settings/confirm-form.tsx"
import { settingsMeta } from "../components/settings/workspace-title.ts"
import { Button } from "../components/ui/button.tsx"
import { Card, CardContent } from "../components/ui/card.tsx"
import { Dialog } from "../components/ui/dialog.tsx"
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

const SWITCHES: readonly { readonly name: keyof AppRuntimeSettings; readonly on: string; readonly off: string }[] = [
  {
    name: "scripts",
    on: "Apps run their JavaScript: buttons, forms that save, live data and agents all work.",
    off: SCRIPTS_OFF_EFFECT,
  },
  {
    name: "clipboard",
    on: "Apps may put text on the clipboard (a Copy button). They can never read what people copied elsewhere.",
    off: "Copy buttons in apps fail; people can still select text and copy it themselves.",
  },
  {
    name: "externalLinks",
    on: "Links in apps may open other websites in a new tab, which then work as they normally do.",
    off: "Links to other websites in apps do nothing.",
  },
]

type SaveOutcome = ReturnType<typeof useActionData<typeof action>>

/**
 * The last save's outcome, kept in state: the save announces itself to the workspace, and the
 * reload that causes on this very page would otherwise wipe the action's answer a moment later.
 * `shown` changes with every answer, so the same words twice are announced twice.
 */
function useLastOutcome(outcome: SaveOutcome) {
  const [last, setLast] = useState(outcome ? { outcome, shown: 0 } : null)
  useEffect(() => {
    if (outcome) setLast((current) => (current?.outcome === outcome ? current : { outcome, shown: (current?.shown ?? 0) + 1 }))
  }, [outcome])
  return last
}

/** The ticked switches as the form would send them (an unticked one is absent). */
const fieldsOf = (form: HTMLFormElement): Record<string, string> =>
  Object.fromEntries(SWITCHES.filter(({ name }) => (form.elements.namedItem(name) as HTMLInputElement | null)?.checked).map(({ name }) => [name, "on"]))

export default function RuntimeSettings() {
  const { workspaceName, canManage, settings } = useLoaderData<typeof loader>()
  const last = useLastOutcome(useActionData<typeof action>())
  const saving = useNavigation().state === "submitting"
  // Turning scripts off breaks nearly every app: asked first (without scripts, the form just posts).
  const [confirming, setConfirming] = useState<Record<string, string> | null>(null)
  return (
    <PageMain>
      <PageHeader
        title="Runtime"
        description={`What apps in ${workspaceName} may do in their frame, in the builder's preview and for colleagues alike. Apps never get access to this site's cookies or pages, whatever is set here.`}
      />
      {!canManage ? (
        <Notice className="mb-4">Only owners and admins can change these.</Notice>
      ) : null}
      {/* Always present, so what appears in it is announced. */}
      <div aria-live="polite" data-testid="runtime-outcome">
        {last ? (
          last.outcome.ok ? (
            <Notice key={last.shown} tone="success">
              Saved: {describeAppRuntimeSettings(last.outcome.data)}. Open apps reload with these settings.
            </Notice>
          ) : (
            <Notice key={last.shown} tone="error">
              {last.outcome.message}
            </Notice>
          )
        ) : null}
      </div>
      <Card className="mt-3" data-testid="runtime-settings">
        <CardContent>
          <Form
            method="post"
            className="grid gap-5"
            onSubmit={(event) => {
              const form = event.currentTarget
              if (settings.scripts && !(form.elements.namedItem("scripts") as HTMLInputElement | null)?.checked) {
                event.preventDefault()
                setConfirming(fieldsOf(form))
              }
            }}
          >
            <fieldset className="grid gap-5" disabled={!canManage}>
              <legend className="sr-only">App frame settings</legend>
              {/* The switch is named by its label alone; what it means is its description. */}
              {SWITCHES.map((each) => (
                <div key={each.name} className="flex items-start gap-3">
                  <input
                    type="checkbox"
                    role="switch"
                    id={`${each.name}-switch`}
                    name={each.name}
                    defaultChecked={settings[each.name]}
                    aria-describedby={`${each.name}-meaning`}
                    className="mt-0.5 size-5 shrink-0 accent-primary"
                  />
                  <div className="grid gap-1">
                    <label htmlFor={`${each.name}-switch`} className="text-sm font-medium">
                      {APP_RUNTIME_SETTING_LABELS[each.name]}
                    </label>
                    <p id={`${each.name}-meaning`} className="text-sm text-muted-foreground">
                      On: {each.on} Off: {each.off}
                    </p>
                  </div>
                </div>
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
      <Dialog open={confirming !== null} onOpenChange={(open) => (open ? undefined : setConfirming(null))}>
        {confirming ? (
          <ConfirmDialogContent
            title="Turn off scripts for every app?"
            description={`${SCRIPTS_OFF_EFFECT} This applies at once to the builder's preview and to every published app in ${workspaceName}, until scripts are turned on again.`}
            confirmLabel="Turn off scripts"
            intent="save"
            fields={confirming}
            destructive
            onSubmitted={() => setConfirming(null)}
          />
        ) : null}
      </Dialog>
    </PageMain>
  )
}
