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

startTransition(() => {
  hydrateRoot(
    document,
    <StrictMode>
      <RemixBrowser />
    </StrictMode>,
  )
})
