// The theme choice lives in a cookie, so the server renders the right theme on the first byte (no
// flash of the wrong colours); a plain form post to /theme with `returnTo` stores it without JavaScript. "system" is the cookie's absence.

import { clearCookie, readCookie, serializeCookie } from "../auth/session-cookie.server.ts"
import { isTheme, type Theme } from "./theme.ts"

export const THEME_COOKIE = "second_theme"

export function readTheme(request: Request): Theme {
  const value = readCookie(request, THEME_COOKIE)
  return isTheme(value) ? value : "system"
}

export function themeCookie(theme: Theme, secure: boolean): string {
  return theme === "system" ? clearCookie(THEME_COOKIE, secure) : serializeCookie(THEME_COOKIE, theme, { secure, maxAgeSeconds: 365 * 24 * 60 * 60 })
}
