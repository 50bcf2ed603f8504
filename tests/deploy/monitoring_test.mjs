// Alerts and dashboards against what Tributary really exports: starts the
// binary on loopback, scrapes /metrics, and checks every PrometheusRule
// expression and every dashboard query under deploy/k8s — it parses as PromQL,
// each metric it reads is exported (histograms' _bucket/_sum/_count included),
// and each label it matches or groups by exists, with values that exist.
// No alert on a metric that does not exist.

import fs from "node:fs";
import path from "node:path";
import { check, noProblems, run, test } from "./lib/harness.mjs";
import { runfile } from "./lib/env.mjs";
import { validateSchema } from "./lib/k8s.mjs";
import { analyze, expandGrafanaVariables, labelValuesQuery } from "./lib/promql.mjs";
import { parseExposition, scrapeMetrics } from "./lib/tributary.mjs";
import YAML from "./lib/yaml.mjs";

// Labels Prometheus attaches to every series of a target discovered through a
// ServiceMonitor; queries may match and group by them.
const kTargetLabels = new Set(["job", "instance", "namespace", "pod", "service",
  "container", "endpoint"]);
// Series Prometheus writes itself for each target.
const kPrometheusSeries = new Set(["up", "scrape_duration_seconds",
  "scrape_samples_scraped", "scrape_series_added"]);

// Kubernetes' own series the dashboard's "Pods" row reads: the kubelet's
// cAdvisor metrics and kube-state-metrics v2 (both scraped by
// kube-prometheus-stack), with their labels; a Set lists a label's values
// where the queries pick one, null allows any. Not Tributary's to export, so
// checked against this list instead of /metrics.
const kPodLabels = { namespace: null, pod: null, container: null };
const kClusterSeries = new Map(Object.entries({
  container_memory_working_set_bytes: kPodLabels,
  container_cpu_usage_seconds_total: kPodLabels,
  kube_pod_container_resource_limits: { ...kPodLabels, resource: new Set(["cpu", "memory", "ephemeral_storage"]), unit: null },
  kube_pod_container_resource_requests: { ...kPodLabels, resource: new Set(["cpu", "memory", "ephemeral_storage"]), unit: null },
  kube_pod_container_status_restarts_total: kPodLabels,
  kube_pod_container_status_last_terminated_reason: { ...kPodLabels, reason: new Set(["OOMKilled", "Error", "Completed", "ContainerCannotRun", "Evicted"]) },
  kube_horizontalpodautoscaler_status_current_replicas: { namespace: null, horizontalpodautoscaler: null },
  kube_horizontalpodautoscaler_status_desired_replicas: { namespace: null, horizontalpodautoscaler: null },
  kube_horizontalpodautoscaler_spec_max_replicas: { namespace: null, horizontalpodautoscaler: null },
}).map(([name, labels]) => [name, new Map(Object.entries(labels))]));

const kConfig = `
server:
  listen_address: "127.0.0.1:0"
  shutdown_grace: 1s
metrics:
  listen_address: "127.0.0.1:0"
upstreams:
  - name: first
    url: http://127.0.0.1:9
  - name: second
    url: http://127.0.0.1:9
`;

const k8sRoot = runfile("deploy/k8s");

function filesUnder(dir, suffix) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(full, suffix));
    else if (entry.name.endsWith(suffix)) found.push(full);
  }
  return found.sort();
}

const rel = (file) => path.relative(k8sRoot, file);

// Every PrometheusRule document in deploy/k8s, with its file.
const ruleObjects = filesUnder(k8sRoot, ".yaml").flatMap((file) =>
  YAML.parseAllDocuments(fs.readFileSync(file, "utf8"))
    .map((doc) => doc.toJS())
    .filter((o) => o?.kind === "PrometheusRule")
    .map((object) => ({ file, object })));
const alerts = ruleObjects.flatMap(({ file, object }) => object.spec.groups.flatMap((group) =>
  group.rules.map((rule) => ({ where: `${rel(file)} ${rule.alert || rule.record}`, rule }))));

// Every Grafana dashboard (JSON with panels) in deploy/k8s.
const dashboards = filesUnder(k8sRoot, ".json").map((file) => ({ file, json: JSON.parse(fs.readFileSync(file, "utf8")) }))
  .filter((d) => Array.isArray(d.json.panels));

function panelsOf(dashboard) {
  return dashboard.json.panels.flatMap((p) => [p, ...(p.panels || [])]);
}

// Every PromQL query of a dashboard: panel targets and label_values variables.
function dashboardQueries(dashboard) {
  const queries = [];
  for (const panel of panelsOf(dashboard)) {
    for (const target of panel.targets || []) {
      queries.push({ where: `${rel(dashboard.file)} panel "${panel.title}" ${target.refId}`, expr: target.expr });
    }
  }
  for (const variable of dashboard.json.templating?.list || []) {
    if (variable.type !== "query") continue;
    const query = typeof variable.query === "string" ? variable.query : variable.query?.query;
    const values = labelValuesQuery(query || "");
    check(values, `${rel(dashboard.file)} variable ${variable.name}: not a label_values() query: ${query}`);
    queries.push({ where: `${rel(dashboard.file)} variable ${variable.name}`, expr: values.selector, label: values.label });
  }
  return queries;
}

// The job label the ServiceMonitors give Tributary's series.
function jobNames() {
  const names = new Set();
  for (const file of filesUnder(k8sRoot, ".yaml")) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, "utf8"))) {
      const o = doc.toJS();
      if (o?.kind === "ServiceMonitor" && o.spec.jobLabel) {
        names.add(o.spec.selector.matchLabels[o.spec.jobLabel]);
      }
    }
  }
  return names;
}

let exported = null;
async function exportedSeries() {
  if (exported === null) exported = parseExposition(await scrapeMetrics(kConfig));
  return exported;
}

// Problems with one expression: unexported metrics, unknown labels, values
// that never occur.
async function expressionProblems(where, expr, extraLabel = null) {
  const series = await exportedSeries();
  const problems = [];
  let analysis;
  try {
    analysis = analyze(expandGrafanaVariables(expr));
  } catch (e) {
    return [`${where}: ${e.message}`];
  }
  const jobs = jobNames();
  const selected = new Map();  // metric -> its labels
  for (const selector of analysis.selectors) {
    if (!selector.metric) {
      problems.push(`${where}: selector without a metric name`);
      continue;
    }
    const prometheusMade = kPrometheusSeries.has(selector.metric);
    const labels = prometheusMade ? new Map() :
      (kClusterSeries.get(selector.metric) ?? series.get(selector.metric));
    if (!labels) {
      problems.push(`${where}: metric ${selector.metric} is not exported by Tributary`);
      continue;
    }
    selected.set(selector.metric, labels);
    for (const m of selector.matchers) {
      if (m.label === "__name__") continue;
      if (kTargetLabels.has(m.label)) {
        if (m.label === "job" && m.op === "=" && !jobs.has(m.value)) {
          problems.push(`${where}: job="${m.value}", but the ServiceMonitor's job is ${[...jobs]}`);
        }
        continue;
      }
      const values = labels.get(m.label);
      if (!labels.has(m.label)) {
        problems.push(`${where}: ${selector.metric} has no label ${m.label}`);
        continue;
      }
      if (m.value.includes("$")) continue;  // A dashboard variable.
      if (values === null) continue;  // A Kubernetes label of any value.
      const wanted = m.op.endsWith("~") ?
        (/^[\w.-]+(\|[\w.-]+)*$/.test(m.value) ? m.value.split("|") : []) : [m.value];
      for (const value of wanted) {
        if (!values.has(value)) {
          problems.push(`${where}: ${selector.metric}{${m.label}} is never "${value}" (exported: ${[...values].join(", ")})`);
        }
      }
    }
  }
  const known = (label) => kTargetLabels.has(label) || label === "le" ||
    [...selected.values()].some((labels) => labels.has(label));
  for (const label of [...analysis.groupingLabels, ...(extraLabel ? [extraLabel] : [])]) {
    if (!known(label)) problems.push(`${where}: groups or matches by ${label}, which no selected metric has`);
  }
  if (analysis.groupingLabels.includes("le") &&
      !analysis.selectors.some((s) => s.metric?.endsWith("_bucket"))) {
    problems.push(`${where}: groups by le without a histogram _bucket series`);
  }
  return problems;
}

test("a running Tributary exports the families of service/metrics/metrics.h", async () => {
  const series = await exportedSeries();
  for (const name of ["tributary_rpc_requests_total", "tributary_rpc_duration_seconds_bucket",
    "tributary_upstream_requests_total", "tributary_upstream_duration_seconds_bucket"]) {
    check(series.has(name), `/metrics has no ${name}; it has ${[...series.keys()].join(", ")}`);
  }
  check(series.get("tributary_upstream_requests_total").get("upstream").has("second"),
    "no series for the configured upstream \"second\"");
});

test("deploy/k8s has alerts and a dashboard to check", () => {
  check(ruleObjects.length > 0, "no PrometheusRule under deploy/k8s");
  check(alerts.length > 0, "the PrometheusRules hold no rules");
  check(dashboards.length > 0, "no Grafana dashboard JSON under deploy/k8s");
});

test("PrometheusRule objects validate against the prometheus-operator schema", async () => {
  for (const { object } of ruleObjects) await validateSchema(object);
});

test("every alert expression parses as PromQL", () => {
  const problems = [];
  for (const { where, rule } of alerts) {
    try {
      analyze(String(rule.expr));
    } catch (e) {
      problems.push(`${where}: ${e.message}`);
    }
  }
  noProblems(problems, "PromQL syntax");
});

test("every metric, label and label value in the alerts is exported by Tributary", async () => {
  const problems = [];
  for (const { where, rule } of alerts) problems.push(...await expressionProblems(where, String(rule.expr)));
  noProblems(problems, "alerts on what Tributary does not export");
});

test("every alert has a unique name, severity, summary, description and a for: duration", () => {
  const problems = [];
  const seen = new Set();
  for (const { where, rule } of alerts) {
    if (!rule.alert) continue;
    if (seen.has(rule.alert)) problems.push(`${where}: duplicate alert name`);
    seen.add(rule.alert);
    if (!["critical", "warning", "info"].includes(rule.labels?.severity)) problems.push(`${where}: severity ${rule.labels?.severity}`);
    if (!rule.annotations?.summary || !rule.annotations?.description) problems.push(`${where}: summary/description missing`);
    if (!/^\d+[smh]$/.test(rule.for || "")) problems.push(`${where}: no for: duration (alerts on a single scrape flap)`);
  }
  noProblems(problems, "alert hygiene");
});

test("dashboards are well-formed: unique panel ids, grid positions, a Prometheus datasource variable", () => {
  const problems = [];
  for (const dashboard of dashboards) {
    const where = rel(dashboard.file);
    if (!dashboard.json.uid || !dashboard.json.title) problems.push(`${where}: uid/title missing`);
    const ids = new Set();
    for (const panel of panelsOf(dashboard)) {
      if (ids.has(panel.id)) problems.push(`${where}: panel id ${panel.id} used twice`);
      ids.add(panel.id);
      const g = panel.gridPos || {};
      if (![g.x, g.y, g.w, g.h].every(Number.isInteger) || g.x + g.w > 24) problems.push(`${where}: panel "${panel.title}" gridPos ${JSON.stringify(g)}`);
      if (panel.type !== "row" && !(panel.targets || []).length) problems.push(`${where}: panel "${panel.title}" has no queries`);
      for (const target of panel.targets || []) {
        if (target.datasource?.uid !== "${datasource}") problems.push(`${where}: panel "${panel.title}" does not use the $datasource variable`);
      }
    }
    const ds = (dashboard.json.templating?.list || []).find((v) => v.name === "datasource");
    if (ds?.type !== "datasource" || ds.query !== "prometheus") problems.push(`${where}: no Prometheus datasource variable`);
  }
  noProblems(problems, "dashboard structure");
});

test("every dashboard query parses and reads only what Tributary exports", async () => {
  const problems = [];
  for (const dashboard of dashboards) {
    for (const q of dashboardQueries(dashboard)) problems.push(...await expressionProblems(q.where, q.expr, q.label));
  }
  noProblems(problems, "dashboard queries on what Tributary does not export");
});

test("the metric check itself catches an unexported metric, label and value (negative control)", async () => {
  const cases = [
    ['sum(rate(tributary_cache_hits_total[5m]))', "is not exported"],
    ['sum(rate(tributary_rpc_requests_total{status="OK"}[5m]))', "has no label status"],
    ['sum(rate(tributary_rpc_requests_total{code="NotFound"}[5m]))', "is never \"NotFound\""],
    ['sum by (repository) (rate(tributary_rpc_requests_total[5m]))', "groups or matches by repository"],
    ['sum(rate(tributary_rpc_requests_total[5m])', "syntax error"],
    ['max(kube_pod_container_status_last_terminated_reason{reason="OOM"})', "is never \"OOM\""],
    ['max(kube_pod_container_resource_limits{resources="memory"})', "has no label resources"],
  ];
  for (const [expr, expected] of cases) {
    const problems = await expressionProblems("control", expr);
    check(problems.some((p) => p.includes(expected)), `"${expr}" gave ${JSON.stringify(problems)}, expected "${expected}"`);
  }
});

// docs/runbooks.md's section anchors, as GitHub and most renderers make them
// from "## Heading": lower case, punctuation dropped, spaces to hyphens.
function runbookAnchors() {
  const text = fs.readFileSync(runfile("docs/runbooks.md"), "utf8");
  return new Set([...text.matchAll(/^#{1,6}\s+(.+?)\s*$/gm)].map((m) => m[1].toLowerCase()
    .replace(/[^\w\s-]/g, "").trim().replace(/\s/g, "-")));
}

test("every alert has a runbook_url to a section of docs/runbooks.md that exists", () => {
  const anchors = runbookAnchors();
  const problems = [];
  for (const { where, rule } of alerts) {
    if (!rule.alert) continue;
    const url = rule.annotations?.runbook_url;
    const m = String(url ?? "").match(/^https:\/\/[^#\s]+\/docs\/runbooks\.md#([\w-]+)$/);
    if (!m) problems.push(`${where}: runbook_url ${url} is not https://.../docs/runbooks.md#SECTION`);
    else if (!anchors.has(m[1])) problems.push(`${where}: docs/runbooks.md has no section #${m[1]}`);
  }
  noProblems(problems, "runbooks");
});

test("an absent() rule fires when Prometheus scrapes no Tributary at all", () => {
  const jobs = jobNames();
  const absent = alerts.filter(({ rule }) => {
    const expr = String(rule.expr ?? "");
    if (!/\babsent\s*\(/.test(expr)) return false;
    return analyze(expr).selectors.some((s) =>
      s.matchers.some((m) => m.label === "job" && m.op === "=" && jobs.has(m.value)));
  });
  check(absent.length > 0, `no alert uses absent() on the ServiceMonitor's job (${[...jobs]}): ` +
    "a Tributary that is never scraped alerts nobody");
});

await run("deploy_monitoring");
