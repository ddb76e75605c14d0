// The theme to render now: the one being submitted (so the switch answers at once), else the
// stored one the root loader read from the cookie.

import { useFetchers, useRouteLoaderData } from "@remix-run/react"
import { isTheme, type Theme } from "./theme.ts"

export const THEME_ACTION = "/theme"

export function useTheme(): Theme {
  const root = useRouteLoaderData<{ theme?: unknown }>("root")
  const pending = useFetchers().find((fetcher) => fetcher.formAction === THEME_ACTION)?.formData?.get("theme")
  if (isTheme(pending)) return pending
  return isTheme(root?.theme) ? root.theme : "system"
}
