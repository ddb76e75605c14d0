// The Preview tab's own URL (on a phone, where the app's URL shows the chat). The preview itself is
// drawn by the app's route and stays mounted under every panel, so the app keeps its state.

export default function PreviewPane() {
  return null
}
