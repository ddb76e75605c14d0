// Sign-in for auth mode "none" (local development): a person states a display name and an email
// and becomes that user. There is no proof of identity, which is why none mode listens on
// loopback only unless the operator explicitly allows otherwise.

import { newId } from "#shared/ids.ts"
import { users, type UserDocument } from "../store/collections.server.ts"
import { StoreDuplicateError, type DurableStore } from "../store/store.server.ts"

export async function signInLocally(store: DurableStore, input: { email: string; displayName: string }): Promise<UserDocument> {
  const collection = store.collection(users)
  const emailNormalized = input.email.trim().toLowerCase()
  const existing = await collection.findOne({ emailNormalized })
  // An existing person keeps their name: signing in is not a way to rename someone else.
  if (existing) return existing
  const at = new Date().toISOString()
  const user: UserDocument = {
    id: newId(),
    email: input.email.trim(),
    emailNormalized,
    displayName: input.displayName,
    createdAt: at,
    updatedAt: at,
  }
  try {
    await collection.insert(user)
    return user
  } catch (error) {
    // Two first sign-ins with the same email at once: both end up as the one user.
    if (!(error instanceof StoreDuplicateError)) throw error
    const winner = await collection.findOne({ emailNormalized })
    if (!winner) throw error
    return winner
  }
}
