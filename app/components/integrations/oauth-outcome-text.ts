// What the Connected apps page says when the OAuth callback sends a person back: a sentence per
// known error code, and a generic one for anything else. Nothing from the URL is shown but a code
// this file knows (the query string is anyone's to write).

// The callback's codes (integrations/oauth/connect-callback.server.ts, CallbackErrorCode) first,
// then standard OAuth error names a later callback might pass on.
const ERROR_SENTENCES: Readonly<Record<string, string>> = {
  access_denied: "You (or the provider) declined the access the apps asked for. Nothing was connected.",
  provider_error:
    "The provider reported an error and nothing was connected. Try again; if it keeps failing, ask an admin to check the OAuth client's settings.",
  missing_code: "The provider sent you back without a sign-in code, so nothing was connected. Start again with Connect.",
  provider_changed: "An admin changed this provider's OAuth client while you were signing in. Start again with Connect.",
  token_exchange_failed:
    "The provider did not accept the sign-in when Second finished it. Try again; if it keeps failing, ask an admin to check the client ID, client secret, token URL and token auth method in Settings → Integrations.",
  missing_scopes: "The provider granted less access than the apps need, so nothing was connected. Connect again and allow every permission asked for.",
  secret_store_unavailable:
    "Second could not store the connection securely just now, so nothing was connected. Try again, or ask an admin to check the secret store.",
  connection_changed: "Your connection was disconnected or reset while it was being saved, so nothing was kept. Start again with Connect.",
  state_expired: "The sign-in took too long and expired. Start again with Connect.",
  state_mismatch: "This sign-in was started in another browser or session, so it was not accepted. Start again with Connect here.",
  exchange_failed:
    "The provider did not accept the sign-in when Second finished it. Try again; if it keeps failing, ask an admin to check the OAuth client's settings.",
  provider_not_configured: "An admin has not set up this provider yet (or just removed it). Ask an admin.",
  invalid_scope: "The provider does not know a permission the apps ask for. Ask an admin to check the app's setup.",
  server_error: "The provider had a problem and nothing was connected. Try again later.",
  temporarily_unavailable: "The provider is unavailable right now. Try again in a few minutes.",
}

const GENERIC = "Connecting did not work, and nothing was stored. Try again with Connect."

/** The sentence for an `oauth_error` code from the callback's redirect. */
export function oauthErrorSentence(code: string): string {
  return Object.hasOwn(ERROR_SENTENCES, code) ? ERROR_SENTENCES[code]! : GENERIC
}
