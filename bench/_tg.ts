import { benchTelegram } from "./telegram-bench.ts";
console.log(JSON.stringify(await benchTelegram({ payers: Number(process.env.P ?? 200), flows: Number(process.env.F ?? 5) })));
