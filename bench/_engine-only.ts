import { benchEngine } from "./engine-bench.ts";
const r = await benchEngine({ payers: 200, flowsPerPayer: 5 });
console.log(JSON.stringify(r));
