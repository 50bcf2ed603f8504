// Running the real tributary binary from the runfiles: --check-config, and a
// server on loopback whose /metrics is scraped.

import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { runfile, tempDir } from "./env.mjs";

export function binary() {
  return runfile("service/tributary");
}

// Runs `tributary --check-config FILE`: {code, stdout, stderr}.
export function checkConfig(file) {
  try {
    const stdout = execFileSync(binary(), ["--check-config", file], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { code: 0, stdout, stderr: "" };
  } catch (e) {
    return { code: e.status, stdout: e.stdout || "", stderr: e.stderr || "" };
  }
}

// Writes `text` to a fresh file and checks it.
export function checkConfigText(text, name = "tributary.yaml") {
  const file = path.join(tempDir("config"), name);
  fs.writeFileSync(file, text);
  return { file, ...checkConfig(file) };
}

function httpGet(url) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode, body }));
    });
    request.setTimeout(5000, () => request.destroy(new Error(`timeout: ${url}`)));
    request.on("error", reject);
  });
}

// Starts tributary on `config` (which should listen on 127.0.0.1:0), waits for
// its "started ... metrics_port=N" log line, scrapes /metrics once and stops
// it. Returns the exposition text.
export async function scrapeMetrics(config) {
  const dir = tempDir("tributary");
  const file = path.join(dir, "tributary.yaml");
  fs.writeFileSync(file, config);
  const child = spawn(binary(), ["--config", file], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  try {
    const port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`tributary did not start in 15s:\n${log}`)), 15000);
      const onData = (chunk) => {
        log += chunk;
        const m = log.match(/started .*metrics_port=(\d+)/);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`tributary exited with ${code}:\n${log}`));
      });
    });
    const response = await httpGet(`http://127.0.0.1:${port}/metrics`);
    if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
    return response.body;
  } finally {
    child.removeAllListeners("exit");
    child.kill("SIGKILL");
  }
}

// Parses Prometheus text exposition: Map(metric name -> Map(label -> Set(values))).
// Histogram series (_bucket, _sum, _count) are listed under their own names.
export function parseExposition(text) {
  const series = new Map();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s/);
    if (!m) throw new Error(`unparsable exposition line: ${line}`);
    if (!series.has(m[1])) series.set(m[1], new Map());
    const labels = series.get(m[1]);
    for (const pair of (m[2] || "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      if (!labels.has(pair[1])) labels.set(pair[1], new Set());
      labels.get(pair[1]).add(pair[2]);
    }
  }
  return series;
}
