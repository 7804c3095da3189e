// A bare node:http server (the bench's HTTP floor): a constant JSON body, port sent to the parent.
import http from "node:http";

const server = http.createServer((_request, response) => {
  response.setHeader("content-type", "application/json; charset=utf-8");
  response.end('{"status":"ok"}');
});
server.listen(0, "127.0.0.1", () => process.send?.(server.address().port));
