// One web process's fan-out of app data changes: a single live subscription per app that has at
// least one open data stream here (previews and Data tabs, either scope), shared by all of them
// and dropped when the last one leaves. Each stream hears only its scope, and only while its
// owner may still see the app: the hub follows the workspace's events (one more subscription per
// workspace, shared by its apps) and re-checks on member.changed and on app.updated / app.deleted
// of a followed app, and on app.published (unpublished, audience changed), and on a timer re-reads
// memberships, teams, apps and sessions, so a viewer who lost access (removed, no longer a
// collaborator or in the audience, session revoked, app deleted or unpublished) is disconnected.

import type { AppDataChange, AppDataScope } from "#shared/apps/app-data.ts"
import type { LiveCoordination, Unsubscribe } from "#shared/live/live.server.ts"
import { canBuildApp, canUseApp, needsTeamsToDecide } from "../apps/app-access.server.ts"
import { parseEnvelope, workspaceEventsChannel } from "../events/workspace-events.server.ts"
import type { Log } from "../log.server.ts"
import { validStreamKeys } from "../api-tokens/stream-keys.server.ts"
import { apps, memberships, teamMemberships, type UserDocument } from "../store/collections.server.ts"
import type { DurableStore } from "../store/store.server.ts"
import { appDataChannel, parseAppDataChangeMessage } from "./app-data-changes.server.ts"

/** Who a stream belongs to, as the route established it. */
export interface AppDataStreamOwner {
  readonly userId: string
  /** The session the stream was opened with: when it ends, the stream ends. */
  readonly sessionId: string
}

export interface AppDataStreamTarget {
  readonly workspaceId: string
  readonly appId: string
  readonly scope: AppDataScope
}

export interface AppDataSink {
  send(change: AppDataChange): void
  /** The hub ends this stream (access gone, process shutting down). */
  close(): void
}

export type Leave = () => void

export interface AppDataHub {
  /**
   * Registers an open stream. Resolves once the app's subscription is active (nothing published
   * afterwards is missed) with the function to call when the stream ends; rejects when the live
   * subscription cannot be made.
   */
  join(target: AppDataStreamTarget, owner: AppDataStreamOwner, sink: AppDataSink): Promise<Leave>
  connectionCount(): number
  /** App data subscriptions held by this process: one per app with open streams. */
  subscriptionCount(): number
  /** Workspace event subscriptions held for access changes: one per workspace with open streams. */
  watchCount(): number
  /** Ends every stream and subscription; later joins are refused. */
  close(): Promise<void>
}

export interface AppDataHubOptions {
  readonly live: LiveCoordination
  readonly store: DurableStore
  readonly log: Log
  /** How often access of open streams is re-read even without events. */
  readonly recheckMs?: number
}

export const DEFAULT_RECHECK_MS = 30_000

interface Connection {
  readonly owner: AppDataStreamOwner
  readonly scope: AppDataScope
  readonly sink: AppDataSink
  ended: boolean
}

interface AppChannel {
  readonly key: string
  readonly workspaceId: string
  readonly appId: string
  readonly connections: Set<Connection>
  readonly subscription: Promise<Unsubscribe>
  /** Deliveries and rechecks run one at a time, in arrival order. */
  queue: Promise<void>
}

interface WorkspaceWatch {
  readonly workspaceId: string
  readonly channels: Set<AppChannel>
  readonly subscription: Promise<Unsubscribe>
}

export function createAppDataHub(options: AppDataHubOptions): AppDataHub {
  const { live, store, log } = options
  const channels = new Map<string, AppChannel>()
  const watches = new Map<string, WorkspaceWatch>()
  const unsubscribes = new Set<Promise<void>>()
  let closed = false

  const unsubscribe = (subscription: Promise<Unsubscribe>, what: Record<string, string>) => {
    const done = subscription
      .then(
        (stop) => stop(),
        () => undefined, // never subscribed: nothing to undo
      )
      .catch((error: unknown) => log.warn("app data: unsubscribe failed", { ...what, error }))
      .finally(() => unsubscribes.delete(done))
    unsubscribes.add(done)
  }

  const drop = (channel: AppChannel) => {
    if (channels.get(channel.key) !== channel) return
    channels.delete(channel.key)
    unsubscribe(channel.subscription, { appId: channel.appId })
    const watch = watches.get(channel.workspaceId)
    watch?.channels.delete(channel)
    if (watch && watch.channels.size === 0) {
      watches.delete(watch.workspaceId)
      unsubscribe(watch.subscription, { workspaceId: watch.workspaceId })
    }
  }

  const end = (channel: AppChannel, connection: Connection) => {
    if (connection.ended) return
    connection.ended = true
    channel.connections.delete(connection)
    if (channel.connections.size === 0) drop(channel)
  }

  /** Ends the stream for the client too: it reconnects, and the route decides afresh. */
  const cut = (channel: AppChannel, connection: Connection) => {
    if (connection.ended) return
    end(channel, connection)
    connection.sink.close()
  }

  /** Fails closed: when access cannot be read, the app's streams end rather than hear on unchecked. */
  const enqueue = (channel: AppChannel, task: () => Promise<void> | void) => {
    channel.queue = channel.queue.then(task).catch((error: unknown) => {
      log.error("app data: access check failed; closing this app's streams", { appId: channel.appId, error })
      for (const connection of [...channel.connections]) cut(channel, connection)
    })
    return channel.queue
  }

  /** Re-reads the app and its listeners' memberships (and, on the timer, their sessions). */
  const recheck = async (channel: AppChannel, checkSessions: boolean, only?: Connection) => {
    const open = only ? (only.ended ? [] : [only]) : [...channel.connections]
    if (open.length === 0) return
    const userIds = [...new Set(open.map((connection) => connection.owner.userId))]
    const [app, members] = await Promise.all([
      store.collection(apps).findOne({ id: channel.appId, workspaceId: channel.workspaceId }),
      store.collection(memberships).findMany({ workspaceId: channel.workspaceId, userId: { in: userIds } }),
    ])
    let validSessions: Set<string> | null = null
    if (checkSessions) validSessions = await validStreamKeys(store, open.map((connection) => connection.owner.sessionId))
    const byUser = new Map(members.map((membership) => [membership.userId, membership]))
    const whoOf = (connection: Connection) => {
      const membership = byUser.get(connection.owner.userId)
      return membership ? { user: { id: connection.owner.userId } as UserDocument, membership } : null
    }
    // The published data's listeners who only use the app: their teams decide for an app published to teams.
    const teamIdsByUser = new Map<string, string[]>()
    const needTeams = open.filter((connection) => {
      const who = whoOf(connection)
      return connection.scope === "published" && app !== null && who !== null && needsTeamsToDecide(app, who)
    })
    if (needTeams.length > 0) {
      const userIds = [...new Set(needTeams.map((connection) => connection.owner.userId))]
      for (const row of await store.collection(teamMemberships).findMany({ workspaceId: channel.workspaceId, userId: { in: userIds } })) {
        teamIdsByUser.set(row.userId, [...(teamIdsByUser.get(row.userId) ?? []), row.teamId])
      }
    }
    for (const connection of open) {
      const who = whoOf(connection)
      const mayReach =
        app !== null &&
        who !== null &&
        (connection.scope === "draft" ? canBuildApp(app, who) : canUseApp(app, who, teamIdsByUser.get(connection.owner.userId) ?? []))
      const mayHear = mayReach && !app.deleting && (validSessions === null || validSessions.has(connection.owner.sessionId))
      if (!mayHear) cut(channel, connection)
    }
  }

  const deliver = (channel: AppChannel, change: AppDataChange) => {
    for (const connection of [...channel.connections]) {
      if (!connection.ended && connection.scope === change.scope) connection.sink.send(change)
    }
  }

  const watchWorkspace = (workspaceId: string): WorkspaceWatch => {
    const existing = watches.get(workspaceId)
    if (existing) return existing
    const watch: WorkspaceWatch = {
      workspaceId,
      channels: new Set(),
      subscription: live.subscribe(workspaceEventsChannel(workspaceId), (message) => {
        // Runs inside the live adapter's dispatch: must never throw.
        const event = parseEnvelope(message)?.event
        if (!event) return
        for (const channel of watch.channels) {
          const concerns =
            event.type === "member.changed" ||
            // No appId: it concerns every app, as far as this hub can tell.
            event.type === "app.published" ||
            ((event.type === "app.updated" || event.type === "app.deleted") && event.appId === channel.appId)
          if (concerns) void enqueue(channel, () => recheck(channel, false))
        }
      }),
    }
    watches.set(workspaceId, watch)
    return watch
  }

  const openChannel = (key: string, workspaceId: string, appId: string): AppChannel => {
    const channel: AppChannel = {
      key,
      workspaceId,
      appId,
      connections: new Set(),
      queue: Promise.resolve(),
      subscription: live.subscribe(appDataChannel(workspaceId, appId), (message) => {
        const change = parseAppDataChangeMessage(message)
        if (!change || change.appId !== appId) {
          log.warn("app data: ignored a malformed change", { appId })
          return
        }
        void enqueue(channel, () => deliver(channel, change))
      }),
    }
    channels.set(key, channel)
    watchWorkspace(workspaceId).channels.add(channel)
    return channel
  }

  const timer = setInterval(() => {
    for (const channel of channels.values()) void enqueue(channel, () => recheck(channel, true))
  }, options.recheckMs ?? DEFAULT_RECHECK_MS)
  timer.unref()

  return {
    async join(target, owner, sink) {
      if (closed) throw new Error("The app data hub is closed")
      const key = `${target.workspaceId}:${target.appId}`
      const channel = channels.get(key) ?? openChannel(key, target.workspaceId, target.appId)
      const connection: Connection = { owner, scope: target.scope, sink, ended: false }
      channel.connections.add(connection)
      try {
        await Promise.all([channel.subscription, watches.get(target.workspaceId)?.subscription])
      } catch (error) {
        log.error("app data: could not subscribe", { appId: target.appId, error })
        end(channel, connection)
        throw error
      }
      // The route checked access before the subscriptions were active: a change in between was
      // announced to nobody here, so check this stream once more now.
      void enqueue(channel, () => recheck(channel, false, connection))
      return () => end(channel, connection)
    },

    connectionCount: () => [...channels.values()].reduce((total, channel) => total + channel.connections.size, 0),
    subscriptionCount: () => channels.size,
    watchCount: () => watches.size,

    async close() {
      closed = true
      clearInterval(timer)
      for (const channel of [...channels.values()]) for (const connection of [...channel.connections]) cut(channel, connection)
      await Promise.allSettled([...unsubscribes])
    },
  }
}
