// Second's SDK for this app: its data, kept by Second in named collections of JSON documents; its
// agents; and its tools. Import everything from here.
//
//   const { data: todos, loading, error, insert, update, remove } = useCollection<Todo>("todos")
//   insert({ title: "Buy milk", done: false })      // shown at once, confirmed by Second
//   update(todo.id, { done: true })                 // sets these fields, keeps the others
//   remove(todo.id)
//   const { data: todo } = useDoc<Todo>("todos", id)
//
//   const { trigger, status, isRunning, error, runId } = useAgent("inbox-triage")   // agents.json's agents
//   const answer = await callAppTool("lookup_customer", { email })                 // agents.json's appTools
//
// Each item is the document's fields plus its `id`, `createdAt` and `updatedAt` (ISO 8601). A
// change shows at once and is undone if Second refuses it (then `error` says why); the calls
// resolve to the stored item, or null when refused, and never throw. Changes made anywhere else
// (another person, the builder, the Data tab, an agent) arrive live. A tool's answer says whether
// it is mock data (`mock`, `mockReason`): show it as such.
//
// How it works is in ./second/: transport.ts (the messages to Second's page), data.ts and
// data-hooks.ts, agents.ts, tools.ts. Do not edit these files.

export {
  APP_SOURCE,
  HOST_SOURCE,
  isInsideSecond,
  receiveHostMessage,
  REQUEST_KINDS,
  REQUEST_TIMEOUT_MS,
  RESPONSE_SUFFIX,
  SECOND_MESSAGE_TYPES,
  SecondDataError,
  type RequestKind,
  type SecondMessageKind,
} from "./second/transport.ts"
export {
  applyChange,
  COLLECTION_NAME_PATTERN,
  DOCUMENT_ID_PATTERN,
  parseChange,
  secondData,
  settleRead,
  type DataChange,
  type Item,
  type SecondDocument,
} from "./second/data.ts"
export { useCollection, useDoc, type CollectionState, type DocState } from "./second/data-hooks.ts"
export {
  AGENT_ID_PATTERN,
  AGENT_RUN_STATUSES,
  followAgentRuns,
  MAX_AGENT_PROMPT_LENGTH,
  parseAgentRunState,
  RUN_ID_PATTERN,
  secondAgents,
  useAgent,
  type AgentRunState,
  type AgentRunStatus,
  type AgentState,
  type AgentStatus,
} from "./second/agents.ts"
export { callAppTool, TOOL_NAME_PATTERN, TOOL_TIMEOUT_MS, useAppTool, type AppToolAnswer, type AppToolState } from "./second/tools.ts"
