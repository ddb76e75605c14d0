// Any address no other route answers: a 404 page (the root error boundary, with what to do next).
// A route of its own rather than Remix's built-in "no match": with lazy route discovery, an
// address that partly matches a route (/w/<id>/nope) hydrated differently from the server's
// render (a React hydration error in the console and a re-rendered page).

import { plainText } from "../server/plain-text.server.ts"

const NO_PAGE = "There is no page at this address."

export function loader(): never {
  throw plainText(NO_PAGE, 404)
}

export function action(): never {
  throw plainText(NO_PAGE, 404)
}

// Never rendered (the loader always throws); its presence makes this a page, so the refusal is
// shown by the error boundary instead of as bare text.
export default function NoPage() {
  return null
}
