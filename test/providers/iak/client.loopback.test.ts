import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { createIakClient } from "../../../src/providers/iak/client.ts";
import { inquiry, REF } from "./fixtures.ts";
import { API_KEY, USERNAME } from "./setup.ts";

/** A loopback server; `hang` leaves requests unanswered so the client's own Agent timeouts fire. */
async function serve(hang: boolean): Promise<string> {
  const server: Server = createServer((req, res) => {
    req.resume();
    if (hang) return;
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(inquiry["8801234560000 success"]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("IAK client over a real loopback socket (its own undici Agent)", () => {
  it("answers an inquiry", async () => {
    const client = createIakClient({ baseUrl: await serve(false), username: USERNAME, apiKey: API_KEY });
    onTestFinished(() => client.close());
    const outcome = await client.inquire({ ref: REF, product: "bpjs-kesehatan", customerNumber: "8801234560000", months: 2 });
    expect(outcome).toMatchObject({ status: "success", bill: { payToken: "9732787", price: 52500 } });
  });

  it("turns a silent server into a timeout", async () => {
    const client = createIakClient({ baseUrl: await serve(true), username: USERNAME, apiKey: API_KEY, timeoutMs: 100 });
    onTestFinished(() => client.close());
    const outcome = await client.inquire({ ref: REF, product: "bpjs-kesehatan", customerNumber: "8801234560000", months: 2 });
    expect(outcome).toMatchObject({ status: "unavailable", fault: "timeout" });
  });
});
