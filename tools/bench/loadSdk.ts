// The floor for the plan benchmark: start the same runner and load the SDK and every
// provider package the program imports, then stop.
import "@pulumi/pulumi";
import "@muhlba91/pulumi-proxmoxve";
import "@pulumi/docker";
import "@pulumi/command";
import "@pulumi/random";

if (process.env["PARITY_REPORT_USAGE"] === "1") process.stderr.write(`PARITY_USAGE ${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })}\n`);
