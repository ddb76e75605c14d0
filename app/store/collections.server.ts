// Every collection the web tier stores, with its indexes. Both engines create these at startup.
// Timestamps are ISO-8601 strings so documents read back identically from SQLite and MongoDB.

import { defineCollection, type AnyCollectionDefinition, type StoredDocument } from "./store.server.ts"

export type Role = "owner" | "admin" | "member"

export interface UserDocument extends StoredDocument {
  readonly email: string
  /** Lower-cased, trimmed: the unique key people sign in with. */
  readonly emailNormalized: string
  readonly displayName: string
  readonly createdAt: string
  readonly updatedAt: string
}

export interface WorkspaceDocument extends StoredDocument {
  readonly name: string
  readonly slug: string
  readonly createdByUserId: string
  readonly createdAt: string
  readonly updatedAt: string
}

export interface MembershipDocument extends StoredDocument {
  readonly workspaceId: string
  readonly userId: string
  readonly role: Role
  readonly createdAt: string
  readonly updatedAt: string
}

/** One document describing this installation: when it was first started and its schema version. */
export interface InstanceDocument extends StoredDocument {
  readonly createdAt: string
  readonly schemaVersion: number
}

export const users = defineCollection<UserDocument>({
  name: "users",
  indexes: [{ name: "email_unique", fields: ["emailNormalized"], unique: true }],
})

export const workspaces = defineCollection<WorkspaceDocument>({
  name: "workspaces",
  indexes: [{ name: "slug_unique", fields: ["slug"], unique: true }],
})

export const memberships = defineCollection<MembershipDocument>({
  name: "workspace_memberships",
  indexes: [
    { name: "workspace_user_unique", fields: ["workspaceId", "userId"], unique: true },
    { name: "user_workspace", fields: ["userId", "workspaceId"] },
    { name: "workspace_created", fields: ["workspaceId", "createdAt"] },
  ],
})

export const instance = defineCollection<InstanceDocument>({ name: "instance", indexes: [] })

export const allCollections: readonly AnyCollectionDefinition[] = [users, workspaces, memberships, instance]
