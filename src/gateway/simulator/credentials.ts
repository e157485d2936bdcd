/**
 * The server key the gateway simulator accepts and signs with, unless told another. Fixed and
 * public: the simulator guards nothing of value. Shaped like a Midtrans sandbox key.
 */
export const GATEWAY_SIMULATOR_SERVER_KEY = "SB-Mid-server-LoketSimulator";

/** The merchant the simulator pretends to be (Midtrans' merchant_id is "G" and nine digits). */
export const GATEWAY_SIMULATOR_MERCHANT = {
  id: "G777000001",
  name: "LOKET SIMULATOR",
  city: "JAKARTA PUSAT",
  postalCode: "10110",
  nmid: "ID1026000000001",
} as const;
