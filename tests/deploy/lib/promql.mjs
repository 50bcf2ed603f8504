// Reading PromQL with Prometheus' own grammar (@prometheus-io/lezer-promql):
// syntax errors, and what an expression selects — metric names, label
// matchers and the labels it groups or matches by.

import { importPackageFile } from "./env.mjs";

const { parser } = await importPackageFile("@prometheus-io/lezer-promql/dist/index.es.js");

// Grafana's interval variables, replaced so a dashboard query parses as PromQL.
export function expandGrafanaVariables(expr) {
  return expr.replace(/\$__(rate_interval|interval|range)\b/g, "5m")
    .replace(/\$\{__(rate_interval|interval|range)\}/g, "5m");
}

function unquote(literal) {
  return JSON.parse(literal.startsWith("'") ?
    `"${literal.slice(1, -1).replace(/"/g, '\\"')}"` : literal.replace(/^`|`$/g, '"'));
}

// Parses `expr`; throws on a syntax error with the position. Returns
//   selectors: [{metric, matchers: [{label, op, value}]}]
//   groupingLabels: label names of by/without/on/ignoring/group_left clauses.
export function analyze(expr) {
  const tree = parser.parse(expr);
  const selectors = [];
  const groupingLabels = [];
  let error = null;
  tree.iterate({
    enter(node) {
      if (node.type.isError && error === null) {
        error = `syntax error at offset ${node.from}: ...${expr.slice(Math.max(0, node.from - 20), node.from + 20)}...`;
      }
      if (node.name === "VectorSelector") {
        const selector = { metric: null, matchers: [] };
        const identifier = node.node.getChild("Identifier");
        if (identifier) selector.metric = expr.slice(identifier.from, identifier.to);
        const matchers = node.node.getChild("LabelMatchers");
        for (const m of matchers ? matchers.node.getChildren("UnquotedLabelMatcher") : []) {
          const label = m.getChild("LabelName");
          const op = m.getChild("MatchOp");
          const value = m.getChild("StringLiteral");
          selector.matchers.push({
            label: expr.slice(label.from, label.to),
            op: expr.slice(op.from, op.to),
            value: unquote(expr.slice(value.from, value.to)),
          });
        }
        // {__name__="x"} is a metric name too.
        const byName = selector.matchers.find((m) => m.label === "__name__" && m.op === "=");
        if (!selector.metric && byName) selector.metric = byName.value;
        selectors.push(selector);
      }
      if (node.name === "GroupingLabels") {
        for (const label of node.node.getChildren("LabelName")) {
          groupingLabels.push(expr.slice(label.from, label.to));
        }
      }
    },
  });
  if (error !== null) throw new Error(`${error} in: ${expr}`);
  if (expr.trim() === "") throw new Error("empty expression");
  return { selectors, groupingLabels };
}

// The metric of Grafana's label_values(SELECTOR, label) variable query, as a
// PromQL selector plus the label; null if `query` is something else.
export function labelValuesQuery(query) {
  const m = query.match(/^\s*label_values\(\s*([\s\S]+),\s*(\w+)\s*\)\s*$/);
  return m ? { selector: m[1], label: m[2] } : null;
}
