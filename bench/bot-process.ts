import { spawn, type ChildProcess } from "node:child_process";
import { openSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux). */
const USER_HZ = 100;

/** CPU seconds (user + system) a process has used so far; NaN where /proc cannot be read. */
export function cpuSecondsOf(pid: number): number {
  try {
    // Fields after the command name, which is in parentheses and may hold spaces: utime is the 12th, stime the 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return NaN;
  }
}

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
