import { benchPacedBroadcast } from "./broadcast-paced-bench.ts";
console.log(JSON.stringify(await benchPacedBroadcast({ recipients: Number(process.env.R ?? 300), payers: Number(process.env.P ?? 10) })));
