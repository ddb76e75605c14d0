// The browser entry: hydrates the document. Before that, the dialogs' scroll lock (Radix, through
// react-style-singleton) is given this page's CSP nonce, so the one <style> element it adds is
// allowed by `style-src 'nonce-…'` instead of needing 'unsafe-inline'.

import { RemixBrowser } from "@remix-run/react"
import { setNonce } from "get-nonce"
import { startTransition, StrictMode } from "react"
import { hydrateRoot } from "react-dom/client"

// Browsers hide a nonce attribute's value from getAttribute; the property keeps it.
const nonce = document.querySelector<HTMLScriptElement>("script[nonce]")?.nonce
if (nonce) setNonce(nonce)

// Code loaded on demand (the Settings sheet, the agents cards, Markdown) comes from files a newer
// release may have replaced: a page older than the release reloads to get the current ones,
// once — a second failure within a minute is left to the error page rather than a reload loop.
const RELOADED_AT = "second:reloaded-for-new-release"
window.addEventListener("vite:preloadError", (event) => {
  try {
    const last = Number(sessionStorage.getItem(RELOADED_AT) ?? 0)
    if (Date.now() - last < 60_000) return
    sessionStorage.setItem(RELOADED_AT, String(Date.now()))
  } catch {
    // No session storage (blocked by the browser): no way to tell a loop apart, so no reload.
    return
  }
  event.preventDefault()
  window.location.reload()
})

startTransition(() => {
  hydrateRoot(
    document,
    <StrictMode>
      <RemixBrowser />
    </StrictMode>,
  )
})
