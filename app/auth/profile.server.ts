// A person's own profile: the display name others see in members lists, the audit log and on
// apps. With an identity provider the provider owns the name (every sign-in copies it), so it is
// changed there, not here.

import { AppError } from "../errors.server.ts"
import { users, type UserDocument } from "../store/collections.server.ts"
import type { DurableStore } from "../store/store.server.ts"

export async function renameUser(
  store: DurableStore,
  user: UserDocument,
  displayName: string,
  authMode: "none" | "external",
): Promise<{ displayName: string }> {
  if (authMode === "external") {
    throw new AppError("CONFLICT", "Your name comes from your identity provider; change it there and sign in again.")
  }
  if (displayName === user.displayName) return { displayName }
  const updated = await store.collection(users).updateOne({ id: user.id }, { displayName, updatedAt: new Date().toISOString() })
  if (!updated) throw new AppError("NOT_FOUND", "Your account no longer exists; sign in again.")
  return { displayName: updated.displayName }
}
