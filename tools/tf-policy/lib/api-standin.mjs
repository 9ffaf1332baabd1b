// A local stand-in of Google's REST APIs for the real gcloud (CLOUDSDK_API_ENDPOINT_OVERRIDES_<API>
// pointed here): each route answers one API method the way Google documents it, and every request
// is recorded so a test can say which methods a command called. Anything else gets 404.
import http from "node:http";

export async function startStandIn(routes) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url, "http://standin");
      const call = { method: req.method, path: url.pathname, authorization: req.headers.authorization ?? "", body: Buffer.concat(chunks).toString() };
      requests.push(call);
      const route = routes.find((r) => r.method === req.method && r.path.test(url.pathname));
      const [status, body] = route ? route.answer(call, url.pathname.match(route.path)) : [404, notFound(url.pathname)];
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

export function notFound(what) {
  return { error: { code: 404, message: `${what} not found`, status: "NOT_FOUND" } };
}
