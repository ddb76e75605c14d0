// One web process's fan-out of workspace events: a single live subscription per workspace that
// has at least one open stream here, shared by all of them, dropped when the last one leaves.
// Each connection hears only the events whose audience includes it, and only while it may: the
// hub re-reads memberships when one changes (closing the streams of people who left, updating
// roles), and on a timer re-checks memberships and sessions, so a revoked session or a change
// whose event was lost stops a stream within one recheck interval.

import type { Role } from "#shared/auth/permissions.ts"
import type { LiveCoordination, Unsubscribe } from "#shared/live/live.server.ts"
import { cappedRole, validStreamKeys } from "../api-tokens/stream-keys.server.ts"
import type { Log } from "../log.server.ts"
import { memberships } from "../store/collections.server.ts"
import type { DurableStore } from "../store/store.server.ts"
import { isInAudience, parseEnvelope, workspaceEventsChannel, type WorkspaceEvent, type WorkspaceEventEnvelope } from "./workspace-events.server.ts"

/** Who a stream belongs to, as established by the route when it opened. */
export interface StreamOwner {
  readonly userId: string
  readonly role: Role
  /** The session (or API token, app/api-tokens/stream-keys.server.ts) the stream was opened with: when it ends, the stream ends. */
  readonly sessionId: string
  /** Opened with an API token: its role, which the stream's role never exceeds. */
  readonly roleCeiling?: Role
}

/** Where the hub sends a connection's events, and how it ends one. */
export interface EventSink {
  send(event: WorkspaceEvent): void
  /** The hub ends this stream (membership or session gone, process shutting down). */
  close(): void
}

export type Leave = () => void

export interface WorkspaceEventHub {
  /**
   * Registers an open stream. Resolves once the workspace's subscription is active (so nothing
   * published afterwards is missed) with the function to call when the stream ends; rejects when
   * the live subscription cannot be made.
   */
  join(workspaceId: string, owner: StreamOwner, sink: EventSink): Promise<Leave>
  /** Open streams on this process (for tests and diagnostics). */
  connectionCount(): number
  /** Live subscriptions held by this process: one per workspace with open streams. */
  subscriptionCount(): number
  /** Ends every stream and subscription; later joins are refused. */
  close(): Promise<void>
}

export interface WorkspaceEventHubOptions {
  readonly live: LiveCoordination
  readonly store: DurableStore
  readonly log: Log
  /** How often memberships and sessions of open streams are re-read even without events. */
  readonly recheckMs?: number
}

/** Bounds how long a revoked session or an unannounced membership change keeps a stream open. */
export const DEFAULT_RECHECK_MS = 30_000

interface Connection {
  readonly owner: StreamOwner
  /** The role as last read: changes without the stream reconnecting. */
  role: Role
  readonly sink: EventSink
  ended: boolean
}

interface WorkspaceChannel {
  readonly workspaceId: string
  readonly connections: Set<Connection>
  readonly subscription: Promise<Unsubscribe>
  /** Message handling and rechecks run one at a time, in arrival order. */
  queue: Promise<void>
}

export function createWorkspaceEventHub(options: WorkspaceEventHubOptions): WorkspaceEventHub {
  const { live, store, log } = options
  const channels = new Map<string, WorkspaceChannel>()
  let closed = false

  const unsubscribes = new Set<Promise<void>>()

  /** The last stream of a workspace left: stop listening to its channel. */
  const drop = (channel: WorkspaceChannel) => {
    channels.delete(channel.workspaceId)
    const done = channel.subscription
      .then(
        (unsubscribe) => unsubscribe(),
        () => undefined, // never subscribed: nothing to undo
      )
      .catch((error: unknown) => log.warn("workspace events: unsubscribe failed", { workspaceId: channel.workspaceId, error }))
      .finally(() => unsubscribes.delete(done))
    unsubscribes.add(done)
  }

  const end = (channel: WorkspaceChannel, connection: Connection) => {
    if (connection.ended) return
    connection.ended = true
    channel.connections.delete(connection)
    if (channel.connections.size === 0 && channels.get(channel.workspaceId) === channel) drop(channel)
  }

  /** Ends the stream for the client too (it reconnects, and the route decides again). */
  const cut = (channel: WorkspaceChannel, connection: Connection) => {
    if (connection.ended) return
    end(channel, connection)
    connection.sink.close()
  }

  /**
   * Runs a task after the channel's earlier ones. Fails closed: when the hub cannot tell who may
   * hear (the store failed a membership read, say), it ends the workspace's streams rather than
   * risk a removed member hearing more; browsers reconnect and the route decides afresh.
   */
  const enqueue = (channel: WorkspaceChannel, task: () => Promise<void> | void) => {
    channel.queue = channel.queue.then(task).catch((error: unknown) => {
      log.error("workspace events: handling failed; closing this workspace's streams", { workspaceId: channel.workspaceId, error })
      for (const connection of [...channel.connections]) cut(channel, connection)
    })
    return channel.queue
  }

  /** Re-reads who is still a member, with which role, and (optionally) whose session still holds. */
  const recheck = async (channel: WorkspaceChannel, checkSessions: boolean) => {
    const open = [...channel.connections]
    if (open.length === 0) return
    const members = await store.collection(memberships).findMany({ workspaceId: channel.workspaceId })
    const roles = new Map(members.map((membership) => [membership.userId, membership.role]))
    let validSessions: Set<string> | null = null
    if (checkSessions) validSessions = await validStreamKeys(store, open.map((c) => c.owner.sessionId))
    for (const connection of open) {
      const role = roles.get(connection.owner.userId)
      if (role === undefined || (validSessions && !validSessions.has(connection.owner.sessionId))) cut(channel, connection)
      else connection.role = cappedRole(role, connection.owner.roleCeiling)
    }
  }

  const deliver = async (channel: WorkspaceChannel, envelope: WorkspaceEventEnvelope) => {
    // Membership first: someone just removed must not hear this event or any after it.
    if (envelope.event.type === "member.changed") await recheck(channel, false)
    for (const connection of [...channel.connections]) {
      if (!connection.ended && isInAudience(envelope.audience, { userId: connection.owner.userId, role: connection.role })) {
        connection.sink.send(envelope.event)
      }
    }
  }

  const openChannel = (workspaceId: string): WorkspaceChannel => {
    const channel: WorkspaceChannel = {
      workspaceId,
      connections: new Set(),
      queue: Promise.resolve(),
      subscription: live.subscribe(workspaceEventsChannel(workspaceId), (message) => {
        // Runs inside the live adapter's dispatch: must never throw.
        const envelope = parseEnvelope(message)
        if (!envelope) {
          log.warn("workspace events: ignored a malformed message", { workspaceId })
          return
        }
        void enqueue(channel, () => deliver(channel, envelope))
      }),
    }
    channel.subscription.catch((error: unknown) => {
      log.error("workspace events: could not subscribe", { workspaceId, error })
      if (channels.get(workspaceId) === channel) channels.delete(workspaceId)
      for (const connection of [...channel.connections]) cut(channel, connection)
    })
    channels.set(workspaceId, channel)
    return channel
  }

  const timer = setInterval(() => {
    for (const channel of channels.values()) void enqueue(channel, () => recheck(channel, true))
  }, options.recheckMs ?? DEFAULT_RECHECK_MS)
  timer.unref()

  return {
    async join(workspaceId, owner, sink) {
      if (closed) throw new Error("The workspace event hub is closed")
      const channel = channels.get(workspaceId) ?? openChannel(workspaceId)
      const connection: Connection = { owner, role: owner.role, sink, ended: false }
      channel.connections.add(connection)
      try {
        await channel.subscription
      } catch (error) {
        end(channel, connection)
        throw error
      }
      // The route read the membership before the subscription was active: a removal in between
      // would have been announced to nobody here, so read it once more now.
      void enqueue(channel, async () => {
        if (connection.ended) return
        const membership = await store.collection(memberships).findOne({ workspaceId, userId: owner.userId })
        if (!membership) cut(channel, connection)
        else connection.role = cappedRole(membership.role, owner.roleCeiling)
      })
      return () => end(channel, connection)
    },

    connectionCount: () => [...channels.values()].reduce((total, channel) => total + channel.connections.size, 0),
    subscriptionCount: () => channels.size,

    async close() {
      closed = true
      clearInterval(timer)
      // Cutting a workspace's last stream drops its subscription.
      for (const channel of [...channels.values()]) for (const connection of [...channel.connections]) cut(channel, connection)
      await Promise.allSettled([...unsubscribes])
    },
  }
}
