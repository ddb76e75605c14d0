// Why a sign-in failed, as a fixed code the sign-in page turns into a fixed sentence. Only the code
// travels in the URL, so nobody can make our page display text of their choosing; the details go
// to the server log.

import { AppError } from "../errors.server.ts"

export const SIGN_IN_MESSAGES = {
  expired: "This sign-in link has expired or was already used. Start signing in again.",
  other_browser: "This sign-in was started in another browser. Start signing in again.",
  provider_refused: "Your identity provider did not complete the sign-in. Start signing in again.",
  provider_failed: "Signing in with your identity provider failed. Start signing in again; if it keeps failing, tell your administrator.",
  unavailable: "Your identity provider could not be reached. Try again in a moment.",
  no_email: "Your identity provider did not share your email address; ask your administrator to release the email claim.",
  unverified_email: "Your identity provider has not verified your email address, so it cannot be used here; ask your administrator.",
  account_exists: "An account with your email address already exists here; ask an administrator to link it.",
} as const

export type SignInReason = keyof typeof SIGN_IN_MESSAGES

const isReason = (value: unknown): value is SignInReason => typeof value === "string" && value in SIGN_IN_MESSAGES

export class SignInError extends AppError {
  readonly reason: SignInReason
  /** For the log only: what the provider or the check said. */
  readonly detail: string

  constructor(reason: SignInReason, detail = "") {
    super("BAD_REQUEST", SIGN_IN_MESSAGES[reason])
    this.reason = reason
    this.detail = detail
  }
}

/** The reason of a refusal (any AppError; a SignInError says which), for the sign-in page URL. */
export const signInReasonOf = (error: AppError): SignInReason =>
  isReason((error as { reason?: unknown }).reason) ? (error as SignInError).reason : "provider_failed"

export const signInMessage = (code: string | null): string | null => (isReason(code) ? SIGN_IN_MESSAGES[code] : null)
