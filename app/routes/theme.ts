// POST /theme: stores the colour theme (light, dark, system) and goes back to the page it was
// chosen on (`returnTo`, a path on this site); the page's own switch submits it with a fetcher,
// without `returnTo`, and gets the stored theme back as JSON.

import type { ActionFunctionArgs } from "@remix-run/node"
import { redirect } from "@remix-run/node"
import { safeReturnTo } from "../auth/sign-in-response.server.ts"
import { isSecureRequest } from "../auth/viewer.server.ts"
import { readForm } from "../forms/read-form.server.ts"
import { onlyMethod } from "../server/method-not-allowed.server.ts"
import { plainText } from "../server/plain-text.server.ts"
import { themeCookie } from "../theme/theme.server.ts"
import { isTheme, THEMES } from "../theme/theme.ts"

export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") throw plainText("Use POST here.", 405, { allow: "POST" })
  const form = await readForm(request)
  const theme = form.get("theme")
  if (!isTheme(theme)) throw plainText(`Choose a theme: ${THEMES.join(", ")}.`, 400)
  const headers = { "set-cookie": themeCookie(theme, isSecureRequest(request, context.services.config)) }
  const returnTo = form.get("returnTo")
  if (typeof returnTo === "string") throw redirect(safeReturnTo(returnTo), { headers })
  // A resource route answers with a Response of its own: `data()` would drop the cookie.
  return Response.json({ theme }, { headers })
}

export const loader = onlyMethod("POST")
