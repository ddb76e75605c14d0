// The half a resource route does not serve. Without it, Remix answers a POST to a read-only route
// (or a GET to a write-only one) with its own 405 or 400 whose body reads "Unexpected Server
// Error"; this says which method the route takes instead.

import { plainText } from "./plain-text.server.ts"

/** A loader or action that answers 405 and names the method to use. */
export const onlyMethod = (allowed: "GET" | "POST") => () => plainText(`Use ${allowed} here.`, 405, { allow: allowed })
