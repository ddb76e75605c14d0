// The app page's header: back to the apps, the app's name (cut to one line, whole in its title)
// with what it is for under it, what it builds with, whether the builder is working, and the
// actions. On a phone the actions are icons, and the ones that do not fit go into a menu.
//
// The settings sheet and the delete dialog are fetched when first wanted (and on a hint of it: the
// pointer over, or focus on, the buttons that open them): with Radix Dialog they weigh some 13 KB
// gzipped that the builder page's first load need not carry (bench/first-load.bench.test.ts).
// Closed, neither renders anything, so the server's HTML and the first render are the same; their
// Suspense boundaries exist only once a dialog is wanted (after hydration): a boundary in the
// server's HTML that an update reaches before it has hydrated would throw React error #421.

import { Link } from "@remix-run/react"
import { ChevronLeft, Ellipsis, ExternalLink, LoaderCircle, Maximize2, Send, Settings, Trash2 } from "lucide-react"
import { forwardRef, lazy, Suspense, useEffect, useRef, useState } from "react"
import { useWorkspaceEvents } from "../../events/use-workspace-events.ts"
import { trpc } from "../../trpc/client.ts"
import { runtimeLabel } from "../builder/runtime-picker.tsx"
import { Badge } from "../ui/badge.tsx"
import { Button, type ButtonProps } from "../ui/button.tsx"
import { Menu, MenuContent, MenuItem, MenuSeparator, MenuTrigger } from "../ui/menu.tsx"
import type { AppSettingsApp } from "./app-settings.tsx"

const loadSettings = () => import("./app-settings.tsx")
const loadDelete = () => import("./delete-app-dialog.tsx")
const loadPublish = () => import("../publishing/publish-dialog.tsx")
const AppSettingsSheet = lazy(() => loadSettings().then((module) => ({ default: module.AppSettingsSheet })))
const DeleteAppDialog = lazy(() => loadDelete().then((module) => ({ default: module.DeleteAppDialog })))
const PublishDialog = lazy(() => loadPublish().then((module) => ({ default: module.PublishDialog })))
const preloadDialogs = () => {
  // Only a head start: should it fail, the dialog's own fetch fails too, and the route's error boundary says so.
  loadSettings().catch(() => {})
  loadDelete().catch(() => {})
}
const preloadPublish = () => {
  loadPublish().catch(() => {})
}

/** A button that opens a dialog whose code comes when it is wanted: the attributes Radix's DialogTrigger gave it, and a head start on the code on hover or focus. */
const DialogButton = forwardRef<HTMLButtonElement, ButtonProps & { readonly open: boolean; readonly onOpen: () => void; readonly preload: () => void }>(
  ({ open, onOpen, preload, ...props }, ref) => (
    <Button ref={ref} variant="outline" size="sm" aria-haspopup="dialog" aria-expanded={open} data-state={open ? "open" : "closed"} onClick={onOpen} onPointerEnter={preload} onFocus={preload} {...props} />
  ),
)
DialogButton.displayName = "DialogButton"

/** Whether a dialog fetched on demand is mounted: from its first opening on, so it closes (and hands focus back) as one always there would. */
function useMountedOnceOpen(open: boolean): boolean {
  const [opened, setOpened] = useState(open)
  if (open && !opened) setOpened(true)
  return opened || open
}

/**
 * Whether the app's last review asked for changes (nothing newer since): a dot on Publish… tells
 * the requester. Read after hydration, so the server's HTML and the first render stay the same.
 */
function useChangesRequested(workspaceId: string, appId: string): boolean {
  const [asked, setAsked] = useState(false)
  const [asks, setAsks] = useState(0)
  useEffect(() => {
    let current = true
    trpc.publishing.state
      .query({ workspaceId, appId })
      .then((state) => current && setAsked(state.changesRequested !== null && state.pendingReview === null))
      // Only a hint: without it the button is as it always was.
      .catch(() => {})
    return () => {
      current = false
    }
  }, [workspaceId, appId, asks])
  useWorkspaceEvents(workspaceId, (event) => {
    if ((event.type === "review.changed" || event.type === "app.published") && (event.appId === undefined || event.appId === appId)) setAsks((n) => n + 1)
  })
  return asked
}

export interface AppHeaderProps {
  readonly workspaceId: string
  readonly app: AppSettingsApp & { readonly running: boolean }
  readonly mayManage: boolean
  /** The apps list. */
  readonly appsHref: string
  /** The app page's URL: the settings' forms post there. */
  readonly base: string
  /** The full-page view of what the Preview shows. */
  readonly viewHref: string
}

export function AppHeader({ workspaceId, app, mayManage, appsHref, base, viewHref }: AppHeaderProps) {
  const [publishOpen, setPublishOpen] = useState(false)
  const publishMounted = useMountedOnceOpen(publishOpen)
  const publishButton = useRef<HTMLButtonElement>(null)
  const changesRequested = useChangesRequested(workspaceId, app.id)
  const [settingsOpen, setSettingsOpen] = useState(false)
  const [deleteOpen, setDeleteOpen] = useState(false)
  const settingsMounted = useMountedOnceOpen(settingsOpen)
  const deleteMounted = useMountedOnceOpen(deleteOpen)
  const settingsButton = useRef<HTMLButtonElement>(null)
  const askToDelete = () => {
    setSettingsOpen(false)
    setDeleteOpen(true)
  }
  return (
    <header className="flex shrink-0 items-center gap-2 border-b px-2 py-2 sm:gap-3 sm:px-4">
      <Button asChild variant="ghost" size="icon-sm">
        <Link to={appsHref} title="All apps">
          <ChevronLeft aria-hidden />
          <span className="sr-only">All apps</span>
        </Link>
      </Button>
      <div className="grid min-w-0 flex-1">
        <div className="flex min-w-0 items-center gap-2">
          <h1 className="truncate text-base font-semibold tracking-tight" title={app.name} data-testid="app-name">
            {app.name}
          </h1>
          <Badge variant="outline" className="hidden sm:inline-flex" title="The agent runtime it builds with">
            {runtimeLabel(app.runtime)}
          </Badge>
          {app.running ? (
            <Badge variant="success" data-testid="app-running">
              <LoaderCircle className="animate-spin motion-reduce:animate-none" aria-hidden />
              Working
            </Badge>
          ) : null}
        </div>
        {app.description ? (
          <p className="truncate text-xs text-muted-foreground" title={app.description} data-testid="app-description">
            {app.description}
          </p>
        ) : null}
      </div>
      <div className="flex shrink-0 items-center gap-1 sm:gap-2">
        <Button asChild variant="outline" size="sm" className="hidden lg:inline-flex">
          <Link to={viewHref} data-testid="open-full-page">
            <Maximize2 aria-hidden />
            Open full page
          </Link>
        </Button>
        <DialogButton
          ref={publishButton}
          open={publishOpen}
          onOpen={() => setPublishOpen(true)}
          preload={preloadPublish}
          title={changesRequested ? "Publish to colleagues: the last review asked for changes" : "Publish to colleagues"}
          className="relative"
          data-testid="publish-app"
        >
          <Send aria-hidden />
          <span className="sr-only sm:not-sr-only">Publish…</span>
          {changesRequested ? (
            <>
              <span className="absolute -right-1 -top-1 size-2.5 rounded-full bg-destructive ring-2 ring-background" aria-hidden data-testid="publish-changes-dot" />
              <span className="sr-only"> (changes requested)</span>
            </>
          ) : null}
        </DialogButton>
        <DialogButton ref={settingsButton} open={settingsOpen} onOpen={() => setSettingsOpen(true)} preload={preloadDialogs} title="App settings" data-testid="app-settings">
          <Settings aria-hidden />
          <span className="sr-only sm:not-sr-only">Settings</span>
        </DialogButton>
        <Menu>
          <MenuTrigger>
            <Button variant="ghost" size="icon-sm" title="More actions" data-testid="app-actions" onPointerEnter={preloadDialogs} onFocus={preloadDialogs}>
              <Ellipsis aria-hidden />
              <span className="sr-only">More actions</span>
            </Button>
          </MenuTrigger>
          <MenuContent align="end">
            <MenuItem asChild>
              <Link to={viewHref}>
                <Maximize2 aria-hidden />
                Open full page
              </Link>
            </MenuItem>
            <MenuItem asChild>
              <a href={viewHref} target="_blank" rel="noopener noreferrer">
                <ExternalLink aria-hidden />
                Open in a new tab
              </a>
            </MenuItem>
            <MenuItem onSelect={() => setSettingsOpen(true)}>
              <Settings aria-hidden />
              Settings
            </MenuItem>
            {mayManage ? (
              <>
                <MenuSeparator />
                <MenuItem onSelect={() => setDeleteOpen(true)} className="text-destructive [&_svg]:text-destructive" data-testid="app-actions-delete">
                  <Trash2 aria-hidden />
                  Delete app…
                </MenuItem>
              </>
            ) : null}
          </MenuContent>
        </Menu>
      </div>
      {/* One boundary each, so one dialog still loading never hides the other; none in the server's HTML. */}
      {publishMounted ? (
        <Suspense fallback={null}>
          <PublishDialog workspaceId={workspaceId} appId={app.id} appName={app.name} open={publishOpen} onOpenChange={setPublishOpen} opener={publishButton} />
        </Suspense>
      ) : null}
      {settingsMounted ? (
        <Suspense fallback={null}>
          <AppSettingsSheet
            app={app}
            mayManage={mayManage}
            action={base}
            onDelete={askToDelete}
            open={settingsOpen}
            onOpenChange={setSettingsOpen}
            opener={settingsButton}
          />
        </Suspense>
      ) : null}
      {mayManage && deleteMounted ? (
        <Suspense fallback={null}>
          <DeleteAppDialog appName={app.name} action={base} open={deleteOpen} onOpenChange={setDeleteOpen} />
        </Suspense>
      ) : null}
    </header>
  )
}
