// A product's receiver of events for bench/events.sh: answers 204 to every POST at once (it does not verify: the
// benchmark measures the sender), and GET /count says how many requests and distinct webhook-ids arrived.
//   node bench/receiver.mjs <port>
import http from "node:http";

const port = Number(process.argv[2]);
const ids = new Set();
let requests = 0;

http
  .createServer((request, response) => {
    if (request.method === "GET") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ requests, distinct: ids.size }));
      return;
    }

    request.resume();
    request.on("end", () => {
      requests++;
      ids.add(request.headers["webhook-id"]);
      response.writeHead(204);
      response.end();
    });
  })
  .listen(port, "127.0.0.1");
