export function App() {
  return (
    <main className="flex min-h-screen items-center justify-center bg-gradient-to-br from-slate-50 to-indigo-50 p-6 text-slate-800">
      <div className="max-w-md text-center">
        <div className="mx-auto mb-6 flex h-14 w-14 items-center justify-center rounded-2xl bg-indigo-600 text-2xl text-white shadow-lg shadow-indigo-200">
          ✦
        </div>
        <h1 className="text-2xl font-semibold tracking-tight">Your app will appear here</h1>
        <p className="mt-3 text-slate-500">Describe what you want in the chat, and it takes shape on this page as it is built.</p>
      </div>
    </main>
  )
}
