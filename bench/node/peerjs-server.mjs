// peerjs-server for the benchmarks: the npm package `peer`, started as its README shows, with two
// changes for measuring: room for 20,000 sockets (its default cap is 5,000) and no idle-socket
// expiry during a run (the PeerJS client would send HEARTBEAT; the bench's idle sockets do not).
// CONTROL_PORT answers GET /gc by running a full collection (node --expose-gc) and replying with RSS,
// V8's used heap and its external (Buffer) memory.
import http from 'node:http';
import { PeerServer } from 'peer';

const port = Number(process.env.PORT ?? 9000);
const controlPort = Number(process.env.CONTROL_PORT ?? 0);

PeerServer({ port, host: '127.0.0.1', path: '/', concurrent_limit: 20000, alive_timeout: 3_600_000 }, () => {
  console.log(`peerjs-server listening on 127.0.0.1:${port}`);
});

if (controlPort) {
  http
    .createServer((req, res) => {
      if (req.url === '/gc' && typeof global.gc === 'function') {
        global.gc();
        const { rss, heapUsed, external } = process.memoryUsage();
        res.end(JSON.stringify({ rss, heapUsed, external }));
      } else {
        res.statusCode = 404;
        res.end();
      }
    })
    .listen(controlPort, '127.0.0.1');
}
