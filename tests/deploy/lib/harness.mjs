// A minimal test runner for the deploy checks: named cases run in order, each
// reported as PASS/FAIL/SKIP on stdout and as a <testcase> in the JUnit XML that
// Bazel reads from $XML_OUTPUT_FILE, so scripts/count_tests.py counts every case
// (a skipped one with its reason, never as passed).
// Works on Node.js 18 (Debian's) as well as 20+, so it does not rely on
// node:test's JUnit reporter.

import fs from "node:fs";

const cases = [];

// Registers a case; `fn` may be async and fails by throwing.
export function test(name, fn) {
  cases.push({ name, fn });
}

// What skip() throws: the case could not run here, for `message`.
class Skipped extends Error {}

// Ends the running case as skipped: a tool it needs is missing on this machine.
// Only for what the machine lacks, never for a check that fails.
export function skip(reason) {
  throw new Skipped(reason);
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
    if (error instanceof Skipped) {
      results.push({ name, skipped: error.message, error: null, seconds });
      console.log(`SKIP ${name}: ${error.message}`);
      continue;
    }
    results.push({ name, error, seconds });
    console.log(`${error ? "FAIL" : "PASS"} ${name} (${seconds.toFixed(2)}s)`);
    if (error) {
      console.log(`  ${String(error.stack || error).replace(/\n/g, "\n  ")}`);
    }
  }
  const failed = results.filter((r) => r.error).length;
  const skipped = results.filter((r) => r.skipped !== undefined).length;
  const total = results.reduce((sum, r) => sum + r.seconds, 0);
  const body = results.map((r) => {
    const open = `    <testcase name="${xmlEscape(r.name)}" classname="${xmlEscape(suite)}" time="${r.seconds}"`;
    if (r.skipped !== undefined) {
      return `${open}>\n      <skipped message="${xmlEscape(r.skipped)}"/>\n    </testcase>`;
    }
    if (!r.error) return `${open}/>`;
    return `${open}>\n      <failure message="${xmlEscape(r.error.message || r.error)}">${xmlEscape(r.error.stack || r.error)}</failure>\n    </testcase>`;
  });
  const xml = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${results.length}" failures="${failed}" errors="0" skipped="${skipped}" time="${total}">`,
    `  <testsuite name="${xmlEscape(suite)}" tests="${results.length}" failures="${failed}" errors="0" skipped="${skipped}" time="${total}">`,
    ...body,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
  if (process.env.XML_OUTPUT_FILE) {
    fs.writeFileSync(process.env.XML_OUTPUT_FILE, xml);
  }
  const passed = results.length - failed - skipped;
  console.log(`${suite}: ${passed} of ${results.length} cases passed` +
    (skipped ? `, ${skipped} skipped` : ""));
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
