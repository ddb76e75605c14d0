// The app's own URL: the chat, beside the Preview on a wide screen (one column on a phone, where
// this URL is the Chat tab). Both are drawn by the app's route (w.$workspaceId.apps.$appId.tsx),
// so this panel has nothing of its own.

export default function ChatPane() {
  return null
}
