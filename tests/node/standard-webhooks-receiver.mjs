// A product's receiver written with the Standard Webhooks reference library for TypeScript (npm "standardwebhooks"), an
// implementation independent of the service's: every request must verify under one of the secrets it is given, and the
// same request must be refused with its body tampered with, under a wrong secret, and when replayed ten minutes later.
//
//   node standard-webhooks-receiver.mjs <port> <secret> [<secret> …]
//
// Answers 204 to a request that verifies (400 otherwise); GET /results lists what it found, one object per request.
import http from "node:http";
import { Webhook } from "standardwebhooks";

const [port, ...secrets] = process.argv.slice(2);
const results = [];

function refuses(check) {
  try {
    check();
    return false;
  } catch (error) {
    return error.name === "WebhookVerificationError" || /signature|timestamp/i.test(String(error.message));
  }
}

http
  .createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      if (request.method === "GET" && request.url === "/results") {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify(results));
        return;
      }

      const body = Buffer.concat(chunks).toString("utf8");
      const headers = {
        "webhook-id": request.headers["webhook-id"] ?? "",
        "webhook-timestamp": request.headers["webhook-timestamp"] ?? "",
        "webhook-signature": request.headers["webhook-signature"] ?? "",
      };
      const result = { id: headers["webhook-id"], signatures: headers["webhook-signature"].split(" ").length, verifiedWith: [] };
      secrets.forEach((secret, index) => {
        try {
          const event = new Webhook(secret).verify(body, headers);
          result.verifiedWith.push(index);
          result.type = event.type;
          result.customer = event.customer;
          result.version = event.version;
          result.idMatches = event.id === headers["webhook-id"];
        } catch (error) {
          result[`error${index}`] = String(error.message);
        }
      });

      const tampered = body.replace(/"version":\d+/, (v) => v + "0");
      result.tamperedRefused = tampered !== body && secrets.every((secret) => refuses(() => new Webhook(secret).verify(tampered, headers)));
      result.wrongSecretRefused = refuses(() => new Webhook("whsec_" + Buffer.alloc(32, 7).toString("base64")).verify(body, headers));
      const now = Date.now;
      Date.now = () => now() + 10 * 60 * 1000;
      try {
        result.replayRefused = secrets.every((secret) => refuses(() => new Webhook(secret).verify(body, headers)));
      } finally {
        Date.now = now;
      }

      results.push(result);
      response.writeHead(result.verifiedWith.length > 0 ? 204 : 400);
      response.end();
    });
  })
  .listen(Number(port), "127.0.0.1", () => console.log(`listening on ${port}`));
