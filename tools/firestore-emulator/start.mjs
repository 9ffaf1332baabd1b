// Starts the Firestore emulator from npm @firestore-emulator/server (google.firestore.v1 over gRPC,
// in memory) for tests on machines without Docker. Point FIRESTORE_EMULATOR_HOST at it.
//
//   HOST=127.0.0.1 PORT=8086 node start.mjs     # PORT=0 picks a free port
//
// Prints "firestore emulator listening on HOST:PORT" once it accepts connections; stops on
// SIGTERM/SIGINT. Data lives in memory only and is gone when the process ends.
import { FirestoreServer } from "@firestore-emulator/server";
import { ServerCredentials } from "@grpc/grpc-js";

const host = process.env.HOST || "127.0.0.1";
const port = Number.parseInt(process.env.PORT ?? "8086", 10);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`firestore emulator: PORT must be 0..65535, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(2);
}

const emulator = new FirestoreServer();
// FirestoreServer.start(port) always binds 0.0.0.0 and hides the bound port. Bind its gRPC server
// ourselves instead, so the emulator stays on loopback and PORT=0 can report the port it got.
// `server` is a TypeScript-private field of the pinned 0.3.15; fail loudly if that ever changes.
const grpcServer = emulator.server;
if (!grpcServer || typeof grpcServer.bindAsync !== "function") {
  console.error("firestore emulator: @firestore-emulator/server no longer exposes its gRPC server; update start.mjs");
  process.exit(1);
}

grpcServer.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (err, boundPort) => {
  if (err) {
    console.error(`firestore emulator: cannot listen on ${host}:${port}: ${err.message}`);
    process.exit(1);
  }
  console.log(`firestore emulator listening on ${host}:${boundPort}`);
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    emulator.stop();
    console.log(`firestore emulator stopped (${signal})`);
    process.exit(0);
  });
}
