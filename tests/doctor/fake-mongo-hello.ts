// A loopback TCP server that speaks just enough of MongoDB's wire protocol for a real driver to
// connect and run `hello`: the handshake (OP_QUERY or OP_MSG), then OP_MSG commands. `hello` and
// `isMaster` answer as a standalone server or, with `setName`, as the primary of a one-member
// replica set; every other command answers { ok: 1 }. No MongoDB can run on this machine; this is
// the one fake standing in for it (see docs: STYLE.md, "a mock only where nothing real can run").

import { createServer, type Socket } from "node:net"
import { BSON, ObjectId } from "mongodb"
import { freePort } from "#tests/fixtures/free-port.ts"

const OP_REPLY = 1
const OP_QUERY = 2004
const OP_MSG = 2013

export interface FakeMongo {
  readonly uri: string
  readonly port: number
  /** Names of the commands received, in order (hello, isMaster, endSessions...). */
  readonly commands: readonly string[]
  stop(): Promise<void>
}

export async function startFakeMongo(options: { readonly setName?: string; readonly database?: string } = {}): Promise<FakeMongo> {
  const port = await freePort()
  const address = `127.0.0.1:${port}`
  const commands: string[] = []
  const sockets = new Set<Socket>()
  let requestIds = 1
  let connectionIds = 1
  const electionId = new ObjectId()

  const helloDocument = (connectionId: number) => ({
    helloOk: true,
    isWritablePrimary: true,
    ismaster: true,
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
    ...(options.setName
      ? { setName: options.setName, setVersion: 1, electionId, hosts: [address], primary: address, me: address }
      : {}),
    ok: 1,
  })
  const answerTo = (command: Record<string, unknown>, connectionId: number) => {
    const name = Object.keys(command)[0] ?? ""
    commands.push(name)
    return name === "hello" || name.toLowerCase() === "ismaster" ? helloDocument(connectionId) : { ok: 1 }
  }
  const frame = (responseTo: number, opCode: number, body: Buffer) => {
    const header = Buffer.alloc(16)
    header.writeInt32LE(16 + body.length, 0)
    header.writeInt32LE(requestIds++, 4)
    header.writeInt32LE(responseTo, 8)
    header.writeInt32LE(opCode, 12)
    return Buffer.concat([header, body])
  }
  const reply = (message: Buffer, connectionId: number): Buffer | null => {
    const requestId = message.readInt32LE(4)
    const opCode = message.readInt32LE(12)
    if (opCode === OP_MSG) {
      // flagBits, then a kind-0 section holding the command (kind-1 sections carry no command).
      const command = BSON.deserialize(message.subarray(21, 21 + message.readInt32LE(21)))
      const body = Buffer.concat([Buffer.alloc(4), Buffer.from([0]), Buffer.from(BSON.serialize(answerTo(command, connectionId)))])
      return frame(requestId, OP_MSG, body)
    }
    if (opCode === OP_QUERY) {
      const collectionEnd = message.indexOf(0, 20)
      const queryStart = collectionEnd + 1 + 8
      const query = BSON.deserialize(message.subarray(queryStart, queryStart + message.readInt32LE(queryStart)))
      const command = (query["$query"] as Record<string, unknown> | undefined) ?? query
      const document = Buffer.from(BSON.serialize(answerTo(command, connectionId)))
      const head = Buffer.alloc(20)
      head.writeInt32LE(0, 0) // responseFlags
      head.writeBigInt64LE(0n, 4) // cursorID
      head.writeInt32LE(0, 12) // startingFrom
      head.writeInt32LE(1, 16) // numberReturned
      return frame(requestId, OP_REPLY, Buffer.concat([head, document]))
    }
    return null
  }

  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
    socket.on("error", () => undefined)
    const connectionId = connectionIds++
    let pending = Buffer.alloc(0)
    socket.on("data", (chunk) => {
      pending = Buffer.concat([pending, chunk])
      while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
        const length = pending.readInt32LE(0)
        const answer = reply(pending.subarray(0, length), connectionId)
        pending = pending.subarray(length)
        if (answer === null) socket.destroy()
        else socket.write(answer)
      }
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(port, "127.0.0.1", () => resolve())
  })
  return {
    uri: `mongodb://127.0.0.1:${port}/${options.database ?? "second"}`,
    port,
    commands,
    async stop() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
