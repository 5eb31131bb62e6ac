// Rewrites RESULTS.md from the last run's results.json (e.g. after changing the report).
import { readFileSync } from "node:fs";
import { writeResults } from "./lib/results.mjs";

writeResults(JSON.parse(readFileSync(new URL("./results.json", import.meta.url), "utf8")));
console.log("Wrote bench/RESULTS.md");
