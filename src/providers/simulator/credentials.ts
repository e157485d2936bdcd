/** The account the simulator accepts. Fixed and public: the simulator guards nothing of value. */
export interface SimulatorCredentials {
  iak: { username: string; apiKey: string };
  espay: {
    senderId: string;
    password: string;
    signatureKey: string;
    basicUser: string;
    basicPassword: string;
  };
}

export const SIMULATOR_CREDENTIALS = {
  iak: { username: "loket-sim", apiKey: "sim-api-key" },
  espay: {
    senderId: "LOKETSIM",
    password: "sim-password",
    signatureKey: "sim-signature-key",
    basicUser: "loket-sim",
    basicPassword: "sim-basic",
  },
} as const satisfies SimulatorCredentials;
