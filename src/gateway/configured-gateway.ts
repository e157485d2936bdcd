import type { Logger } from "pino";
import type { Config } from "../config.ts";
import { createMidtransGateway } from "./midtrans/client.ts";
import { NOTIFICATION_PATH } from "./notification-endpoint.ts";
import type { PaymentGateway } from "./port.ts";
import { createSimulatorGateway, gatewaySimulatorDbPath } from "./simulator/client.ts";
import { startGatewaySimulator } from "./simulator/server.ts";

/**
 * The payment gateway GATEWAY names (docs/topups.md#configuration), ready to charge, or null for
 * none (top-ups stay manual: /isi asks an admin).
 *
 * - midtrans: the Core API client; each charge names `<PUBLIC_BASE_URL>/gateway/midtrans` as the
 *   order's notification URL, so the Midtrans dashboard setting cannot point elsewhere by mistake.
 * - simulator (the default beside the simulated providers): Loket's gateway simulator in this
 *   process, on loopback, with its own file beside the database; its simulated payer pays a few
 *   seconds after the charge and it notifies this process's HTTP server on PORT, signed, like
 *   Midtrans would (docs/gateway.md#simulator).
 */
export async function startConfiguredGateway(config: Config, log: Logger): Promise<PaymentGateway | null> {
  const { gateway } = config;
  if (gateway.kind === "none") return null;
  if (gateway.kind === "midtrans") {
    // config.ts refuses midtrans without a key or PUBLIC_BASE_URL.
    const midtrans = gateway.midtrans!;
    return createMidtransGateway({
      baseUrl: midtrans.baseUrl,
      serverKey: midtrans.serverKey,
      notificationUrl: `${gateway.publicBaseUrl!}${NOTIFICATION_PATH}`,
    });
  }
  const simulator = await startGatewaySimulator({
    dbPath: gatewaySimulatorDbPath(config.databasePath),
    host: "127.0.0.1",
    notifyUrl: `http://127.0.0.1:${config.http.port}${NOTIFICATION_PATH}`,
  });
  log.info({ url: simulator.url }, "gateway simulator listening (simulated QRIS and virtual accounts; no real money)");
  const client = createSimulatorGateway({ baseUrl: simulator.url });
  return {
    name: client.name,
    charge: (req) => client.charge(req),
    status: (orderId) => client.status(orderId),
    verifyNotification: (body) => client.verifyNotification(body),
    cancel: (orderId) => client.cancel(orderId),
    async close() {
      await client.close();
      await simulator.close();
    },
  };
}
