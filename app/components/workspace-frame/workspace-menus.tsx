// The two menus of the workspace bar: the workspace switcher (every workspace the person is in,
// and a new one) and the account menu (Account, theme, sign out).

import { Link, useParams, useSubmit } from "@remix-run/react"
import { Check, ChevronsUpDown, LogOut, Plus, UserRound } from "lucide-react"
import { Button } from "../ui/button.tsx"
import { Menu, MenuContent, MenuItem, MenuLabel, MenuSeparator, MenuTrigger } from "../ui/menu.tsx"
import { ThemeSwitch } from "../ui/theme-switch.tsx"
import { AnalyticsChoiceSwitch } from "../telemetry/analytics-choice.tsx"
import type { PageAnalytics } from "../../telemetry/product-events.ts"

interface WorkspaceChoice {
  readonly id: string
  readonly name: string
  readonly role: string
}

export function WorkspaceSwitcher({ current, workspaces }: { current: WorkspaceChoice; workspaces: readonly WorkspaceChoice[] }) {
  return (
    <Menu>
      <MenuTrigger>
        <Button variant="ghost" size="sm" className="min-w-0 max-w-56 px-2 text-sm" data-testid="workspace-switcher">
          <span className="truncate" title={current.name}>
            {current.name}
          </span>
          <ChevronsUpDown className="text-muted-foreground" aria-hidden />
        </Button>
      </MenuTrigger>
      <MenuContent>
        <MenuLabel>Workspaces</MenuLabel>
        {workspaces.map((other) => (
          <MenuItem key={other.id} asChild>
            <Link to={`/w/${other.id}`} aria-current={other.id === current.id}>
              <span className="min-w-0 flex-1 truncate">{other.name}</span>
              <span className="text-xs text-muted-foreground">{other.role}</span>
              {other.id === current.id ? <Check aria-hidden /> : null}
            </Link>
          </MenuItem>
        ))}
        <MenuSeparator />
        <MenuItem asChild>
          <Link to="/workspaces/new">
            <Plus aria-hidden />
            New workspace
          </Link>
        </MenuItem>
      </MenuContent>
    </Menu>
  )
}

/** Up to two initials from the name's words that start with a letter or digit ("Bob <script>" is "B"). */
const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter((word) => /^[\p{L}\p{N}]/u.test(word))
    .slice(0, 2)
    .map((word) => [...word][0]!.toUpperCase())
    .join("") || "?"

/** `analytics`: null when the operator has not configured product analytics (the choice is hidden). */
export function AccountMenu({ user, analytics = null }: { user: { displayName: string; email: string }; analytics?: PageAnalytics | null }) {
  const submit = useSubmit()
  const { workspaceId } = useParams()
  return (
    <Menu>
      <MenuTrigger>
        <Button variant="ghost" size="sm" className="min-w-0 gap-2 px-1.5">
          <span aria-hidden className="flex size-6 shrink-0 items-center justify-center rounded-full bg-primary text-xs font-semibold text-primary-foreground">
            {initials(user.displayName)}
          </span>
          {/* Named "Account: <name>" for assistive technology; on a phone only the initials show. */}
          <span className="sr-only">Account: </span>
          <span className="sr-only max-w-40 truncate sm:not-sr-only" data-testid="signed-in-as">
            {user.displayName}
          </span>
        </Button>
      </MenuTrigger>
      <MenuContent align="end">
        <MenuLabel className="grid gap-0.5 font-normal">
          <span className="truncate text-sm font-medium text-foreground">{user.displayName}</span>
          <span className="truncate">{user.email}</span>
        </MenuLabel>
        <MenuSeparator />
        <MenuItem asChild>
          <Link to={workspaceId ? `/account?workspace=${workspaceId}` : "/account"}>
            <UserRound aria-hidden />
            Account
          </Link>
        </MenuItem>
        <MenuSeparator />
        <div className="flex items-center justify-between gap-3 px-2 py-1.5">
          <span className="text-xs font-medium text-muted-foreground">Theme</span>
          <ThemeSwitch />
        </div>
        {analytics ? <AnalyticsChoiceSwitch choice={analytics.choice} /> : null}
        <MenuSeparator />
        <MenuItem onSelect={() => submit(null, { method: "post", action: "/auth/sign-out" })}>
          <LogOut aria-hidden />
          Sign out
        </MenuItem>
      </MenuContent>
    </Menu>
  )
}
