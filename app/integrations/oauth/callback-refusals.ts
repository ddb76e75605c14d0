// The ways GET /api/oauth/callback can end without completing a connect, as codes the pages read:
// - page refusals: the attempt cannot be trusted as this browser's, so the callback sends the
//   browser to /oauth/not-completed?reason=<code> (a page outside any workspace), with a sentence
//   per code below;
// - error codes: the attempt was this browser's, so it goes back to where Connect was clicked with
//   ?oauth_error=<code> (the Connected apps page words those).
// No .server suffix: the not-completed page imports the codes and sentences into the browser.

/** Refusals before the attempt is known to be this browser's. */
export const CALLBACK_PAGE_REFUSALS = ["missing_state", "expired", "other_session", "not_member"] as const
export type CallbackPageRefusal = (typeof CALLBACK_PAGE_REFUSALS)[number]

/** What the not-completed page says for each refusal. */
export const PAGE_REFUSALS: Readonly<Record<CallbackPageRefusal, string>> = {
  missing_state: "The provider sent the browser back without a state, so this connection attempt cannot be matched. Start again from Settings → Connected apps.",
  expired: "This connection attempt expired or was already used. Start again from Settings → Connected apps.",
  other_session: "This connection attempt was started in another browser or by another person, so it was not completed here. Start again from Settings → Connected apps in this browser.",
  not_member: "You are no longer a member of the workspace this connection was for.",
}

/** Where the callback sends a refused browser (the query is anyone's to write: read it with isCallbackPageRefusal). */
export const NOT_COMPLETED_PATH = "/oauth/not-completed"

export const isCallbackPageRefusal = (value: string | null | undefined): value is CallbackPageRefusal =>
  typeof value === "string" && (CALLBACK_PAGE_REFUSALS as readonly string[]).includes(value)

/** Codes the Connected apps page reads from ?oauth_error=. */
export const CALLBACK_ERROR_CODES = [
  "access_denied",
  "provider_error",
  "missing_code",
  "provider_changed",
  "token_exchange_failed",
  "missing_scopes",
  "secret_store_unavailable",
  /** The connection was disconnected or reset while the new tokens were being stored. */
  "connection_changed",
] as const
export type CallbackErrorCode = (typeof CALLBACK_ERROR_CODES)[number]
