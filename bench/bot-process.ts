import { spawn, type ChildProcess } from "node:child_process";
import { openSync } from "node:fs";

/** A bot under test in its own process (so it has a core to itself, as in production), stopped with its caller. */
export function startBotProcess(args: string[], env: Record<string, string>, logFile: string): { child: ChildProcess; stop(): Promise<void> } {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", openSync(logFile, "a"), openSync(logFile, "a")],
  });
  process.once("exit", () => child.kill("SIGKILL"));
  return {
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const hard = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.once("exit", () => {
          clearTimeout(hard);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}
