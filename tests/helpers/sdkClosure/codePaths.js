// jest's moduleNameMapper sends the SDK's require of ./closure/codePaths here (jest.config.js):
// the same stand-in the plan and the CLI load (tools/sdkClosure.ts).
module.exports = require("../../../tools/sdkClosure").standIn("runtime/closure/codePaths.js");
