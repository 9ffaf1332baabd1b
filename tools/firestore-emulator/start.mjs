// Starts the npm Firestore emulator on 127.0.0.1:$PORT (default 8086) and prints a ready line.
import { FirestoreServer } from '@firestore-emulator/server';

const port = Number(process.env.PORT ?? 8086);
const server = new FirestoreServer();
await server.start(port);
console.log(`firestore emulator listening on 127.0.0.1:${port}`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    await server.stop?.();
    process.exit(0);
  });
}
