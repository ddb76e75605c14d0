// The request's CSP nonce for components that render inline scripts (Scripts, ScrollRestoration).
// Browsers hide nonce attributes from the DOM, so on the client the value is simply empty.

import { createContext, useContext, type ReactNode } from "react"

const NonceContext = createContext<string>("")

export function NonceProvider({ value, children }: { value: string; children: ReactNode }) {
  return <NonceContext.Provider value={value}>{children}</NonceContext.Provider>
}

export const useNonce = () => useContext(NonceContext)
