// The live coordination port: what must be shared between processes right now but need not last.
// Redis implements it in production; an in-process adapter serves the one-process embedded
// default. tests/contracts/live-coordination.contract.ts holds both to the same behaviour.

import { brandedErrorClass } from "#shared/errors/branded-error.ts"

/** One entry of an append-only stream. Ids are Redis stream ids ("<ms>-<seq>"), increasing. */
export interface StreamEntry {
  readonly id: string
  readonly data: string
}

/** The cursor that reads a stream from its beginning. */
export const STREAM_START = "0-0"

export interface StreamInfo {
  readonly length: number
  readonly firstId: string | null
  readonly lastId: string | null
}

export interface WaitOptions {
  /** Return entries with ids greater than this cursor. */
  readonly after: string
  readonly limit: number
  /** Resolve with [] when nothing arrives in time. */
  readonly timeoutMs: number
  readonly signal?: AbortSignal
}

export interface AppendOptions {
  readonly maxLength: number
  readonly expectedLastId?: string | null
}

/** A linked append found that someone else had written to the stream since `expectedLastId`. */
export class StreamAppendConflict extends brandedErrorClass("live/stream-append-conflict") {}

export interface Lock {
  readonly name: string
  /** Releases only if this holder still owns the lock; false when it had expired or was taken over. */
  release(): Promise<boolean>
  /** Extends the lease only if this holder still owns the lock. */
  extend(ttlMs: number): Promise<boolean>
}

export type Unsubscribe = () => Promise<void>

/** One unexpired entry of a registry group (see LiveCoordination.putMember). */
export interface GroupMember {
  readonly member: string
  readonly value: string
}

export interface LiveCoordination {
  readonly kind: "redis" | "memory"

  /**
   * Appends an entry and trims the stream to its newest `maxLength` entries. Returns the entry id.
   *
   * With `expectedLastId` the append is linked and idempotent, in one atomic step: it writes only
   * when nothing follows `expectedLastId` in the stream (null: nothing at all). When the entry right
   * after it already holds exactly `data` — this same append, whose reply was lost or which the
   * client sent again after a reconnect — it returns that entry's id and writes nothing. Another
   * entry there means another writer got in first: it throws StreamAppendConflict. A stream that
   * ends before `expectedLastId` (Redis lost its newest entries) is appended to: the entry's
   * `prev` then shows readers the gap.
   */
  append(stream: string, data: string, options: AppendOptions): Promise<string>
  /** Entries after the cursor, oldest first, at most `limit`. */
  read(stream: string, options: { readonly after: string; readonly limit: number }): Promise<StreamEntry[]>
  /** Like read, but when nothing is there yet, waits for the next append (blocking tail). */
  waitForEntries(stream: string, options: WaitOptions): Promise<StreamEntry[]>
  streamInfo(stream: string): Promise<StreamInfo>

  publish(channel: string, message: string): Promise<void>
  /** Resolves once the subscription is active, so a publish after it is never missed. */
  subscribe(channel: string, listener: (message: string) => void): Promise<Unsubscribe>

  /** Sets a key that disappears after `ttlMs`. With `onlyIfAbsent`, returns false and changes nothing if it exists. */
  setKey(key: string, value: string, options: { readonly ttlMs: number; readonly onlyIfAbsent?: boolean }): Promise<boolean>
  getKey(key: string): Promise<string | null>
  /** Reads and deletes in one atomic step (GETDEL): of two concurrent takers, exactly one gets the value. */
  takeKey(key: string): Promise<string | null>
  deleteKey(key: string): Promise<boolean>
  /** Sets a time to live on a key or a stream. Returns false when it does not exist. */
  expire(key: string, ttlMs: number): Promise<boolean>
  /** Remaining time to live in ms; null when the key does not exist or never expires. */
  ttl(key: string): Promise<number | null>

  /**
   * Writes `value` with a time to live only when the key's current value is exactly `expected`
   * (null: the key is absent), in one atomic step. Returns false and changes nothing otherwise, so
   * of two writers racing from the same value, exactly one wins. For ownership with fencing: the
   * loser re-reads and sees who won.
   */
  compareAndSetKey(key: string, expected: string | null, value: string, options: { readonly ttlMs: number }): Promise<boolean>

  /**
   * Puts a member into a registry group (adding or replacing its value) that expires `ttlMs` from
   * now unless put again: a heartbeat. Expiry runs on the store's clock (Redis TIME), so the
   * clocks of the processes putting and listing never matter. A group nobody puts into any more
   * disappears once its longest-lived member has expired.
   */
  putMember(group: string, member: string, value: string, options: { readonly ttlMs: number }): Promise<void>
  /** The group's unexpired members, in no particular order; [] for an unknown group. */
  listMembers(group: string): Promise<ReadonlyArray<GroupMember>>
  /** Removes a member at once (a clean shutdown); false when it was not there or had expired. */
  removeMember(group: string, member: string): Promise<boolean>

  /** Single-flight lock: resolves null when someone else holds it. */
  acquireLock(name: string, options: { readonly ttlMs: number }): Promise<Lock | null>

  ping(): Promise<void>
  close(): Promise<void>
}

export function parseStreamId(id: string): readonly [number, number] {
  const match = /^(\d+)(?:-(\d+))?$/.exec(id)
  if (!match) throw new Error(`Not a stream id: ${JSON.stringify(id)}`)
  return [Number(match[1]), Number(match[2] ?? 0)]
}

export function compareStreamIds(left: string, right: string): number {
  const [leftMs, leftSeq] = parseStreamId(left)
  const [rightMs, rightSeq] = parseStreamId(right)
  return leftMs === rightMs ? leftSeq - rightSeq : leftMs - rightMs
}
