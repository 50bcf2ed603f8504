// A minimal test runner for the deploy checks: named cases run in order, each
// reported as PASS/FAIL on stdout and as a <testcase> in the JUnit XML that Bazel
// reads from $XML_OUTPUT_FILE, so scripts/count_tests.py counts every case.
// Works on Node.js 18 (Debian's) as well as 20+, so it does not rely on
// node:test's JUnit reporter.

import fs from "node:fs";

const cases = [];

// Registers a case; `fn` may be async and fails by throwing.
export function test(name, fn) {
  cases.push({ name, fn });
}

function xmlEscape(text) {
  return String(text).replace(/[<>&"]/g, (c) =>
    ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]);
}

// Runs every registered case, writes the report and exits 0 only if all passed.
export async function run(suite) {
  const results = [];
  for (const { name, fn } of cases) {
    const started = Date.now();
    let error = null;
    try {
      await fn();
    } catch (e) {
      error = e;
    }
    const seconds = (Date.now() - started) / 1000;
    results.push({ name, error, seconds });
    console.log(`${error ? "FAIL" : "PASS"} ${name} (${seconds.toFixed(2)}s)`);
    if (error) {
      console.log(`  ${String(error.stack || error).replace(/\n/g, "\n  ")}`);
    }
  }
  const failed = results.filter((r) => r.error).length;
  const total = results.reduce((sum, r) => sum + r.seconds, 0);
  const body = results.map((r) => {
    const open = `    <testcase name="${xmlEscape(r.name)}" classname="${xmlEscape(suite)}" time="${r.seconds}"`;
    if (!r.error) return `${open}/>`;
    return `${open}>\n      <failure message="${xmlEscape(r.error.message || r.error)}">${xmlEscape(r.error.stack || r.error)}</failure>\n    </testcase>`;
  });
  const xml = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${results.length}" failures="${failed}" errors="0" time="${total}">`,
    `  <testsuite name="${xmlEscape(suite)}" tests="${results.length}" failures="${failed}" errors="0" time="${total}">`,
    ...body,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
  if (process.env.XML_OUTPUT_FILE) {
    fs.writeFileSync(process.env.XML_OUTPUT_FILE, xml);
  }
  console.log(`${suite}: ${results.length - failed} of ${results.length} cases passed`);
  process.exit(failed === 0 ? 0 : 1);
}

// Throws `message` unless `condition` holds.
export function check(condition, message) {
  if (!condition) throw new Error(message);
}

// Throws listing every problem, if there are any.
export function noProblems(problems, what) {
  if (problems.length > 0) {
    throw new Error(`${what}:\n  - ${problems.join("\n  - ")}`);
  }
}
