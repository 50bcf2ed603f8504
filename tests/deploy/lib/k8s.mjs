// Rendering kustomizations and validating the objects offline against the
// Kubernetes and prometheus-operator schemas of the npm kubernetes-models
// packages: their JSON-schema validators (types, enums, required fields), plus
// a strict pass that rejects fields the API does not have, as
// `kubectl apply --validate=strict` would (the schemas allow unknown fields).

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import YAML from "./yaml.mjs";
import { importPackageFile, nodeModules } from "./env.mjs";

// The first kubectl whose built-in kustomize renders components (kind
// Component, which the base's overlays use).
export const kMinKubectl = { major: 1, minor: 21 };

// Why kubectl cannot render deploy/k8s here, or null if it can. kubectl is not
// a Debian 12 package (Debian's kubernetes-client is 1.20), so a fresh machine
// may lack it: the cases that render then report skipped with this reason.
export function kubectlProblem(env = process.env) {
  let out;
  try {
    out = execFileSync("kubectl", ["version", "--client", "-o", "json"], {
      encoding: "utf8",
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (e) {
    if (e.code === "ENOENT") {
      return `kubectl is not on PATH (${env.PATH}); these checks need kubectl >= ` +
        `${kMinKubectl.major}.${kMinKubectl.minor} (not a Debian 12 package)`;
    }
    return `kubectl version --client failed: ${String(e.stderr || e.message).trim()}`;
  }
  let version;
  try {
    version = JSON.parse(out).clientVersion;
  } catch {
    return `kubectl version --client -o json printed no JSON: ${out.slice(0, 200)}`;
  }
  // Vendors append to the minor version ("21+").
  const major = parseInt(version?.major, 10);
  const minor = parseInt(version?.minor, 10);
  if (!(major > kMinKubectl.major || (major === kMinKubectl.major && minor >= kMinKubectl.minor))) {
    return `kubectl ${version?.major}.${version?.minor} is older than ` +
      `${kMinKubectl.major}.${kMinKubectl.minor}, which first renders kustomize components`;
  }
  return null;
}

// Renders the kustomization in `dir`; returns its objects.
export function render(dir) {
  let out;
  try {
    out = execFileSync("kubectl", ["kustomize", dir], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (e) {
    throw new Error(`kubectl kustomize ${dir} failed: ${e.stderr || e.message}`);
  }
  return YAML.parseAllDocuments(out).map((doc) => {
    if (doc.errors.length > 0) throw doc.errors[0];
    return doc.toJS();
  }).filter((o) => o !== null);
}

// Where the generated model of an apiVersion/kind lives, relative to
// node_modules; null if no models package covers it.
function modelPath(apiVersion, kind) {
  if (apiVersion.startsWith("monitoring.coreos.com/")) {
    return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  }
  const file = `kubernetes-models/${apiVersion}/${kind}`;
  return fs.existsSync(path.join(nodeModules(), `${file}.js`)) ? file : null;
}

// Validates `object` against its schema; throws naming the object and the
// offending field.
export async function validateSchema(object) {
  const name = describe(object);
  const file = modelPath(object.apiVersion || "", object.kind || "");
  if (file === null) throw new Error(`${name}: no schema for this apiVersion/kind`);
  const module = await importPackageFile(`${file}.js`);
  const Model = module[object.kind];
  try {
    new Model(object).validate();
  } catch (e) {
    throw new Error(`${name}: ${e.message}`);
  }
  const unknown = [];
  const types = typeIndex();
  const root = parseInterfaces(fs.readFileSync(
    path.join(nodeModules(), `${file}.d.ts`), "utf8"))[`I${object.kind}`];
  if (!root) throw new Error(`${name}: no type declaration for ${object.kind}`);
  const { apiVersion, kind, ...rest } = object;
  walkProps(rest, root, "", types, unknown);
  if (unknown.length > 0) {
    throw new Error(`${name}: unknown field(s) ${unknown.join(", ")}`);
  }
}

export function describe(object) {
  const ns = object.metadata?.namespace ? `${object.metadata.namespace}/` : "";
  return `${object.kind} ${ns}${object.metadata?.name}`;
}

// --- The strict pass, driven by the models' TypeScript declarations. Each
// generated .d.ts declares one interface per API type, with every field
// quoted: "name"?: Type;

let typeIndexCache = null;

// Every interface of the three model packages, by its exported full name
// (e.g. IIoK8sApiCoreV1Container).
function typeIndex() {
  if (typeIndexCache) return typeIndexCache;
  typeIndexCache = new Map();
  const roots = ["kubernetes-models", "@kubernetes-models/apimachinery",
    "@kubernetes-models/prometheus-operator"];
  for (const root of roots) {
    for (const file of listDts(path.join(nodeModules(), root))) {
      const text = fs.readFileSync(file, "utf8");
      const local = parseInterfaces(text);
      for (const [name, props] of Object.entries(local)) typeIndexCache.set(name, props);
      for (const m of text.matchAll(/export type \{([^}]*)\}/g)) {
        for (const alias of m[1].split(",")) {
          const [from, to] = alias.trim().split(/\s+as\s+/);
          if (to && local[from]) typeIndexCache.set(to, local[from]);
        }
      }
    }
  }
  return typeIndexCache;
}

function listDts(dir) {
  const files = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "node_modules") files.push(...listDts(full));
    else if (entry.name.endsWith(".d.ts")) files.push(full);
  }
  return files;
}

// Splits `text` at `separator` characters that are not nested in brackets.
function splitTopLevel(text, separator) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if ("{<([".includes(c)) depth++;
    else if ("}>)]".includes(c)) depth--;
    else if (c === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

// Parses the body of an object type ("a"?: T; "b": U;) into {a: "T", b: "U"}.
function parseProps(body) {
  const props = {};
  for (const member of splitTopLevel(body, ";")) {
    const m = member.match(/^"([^"]+)"\??\s*:\s*([\s\S]+)$/);
    if (m) props[m[1]] = m[2].replace(/\s+/g, " ").trim();
  }
  return props;
}

// Interfaces declared in one .d.ts file: {IName: {prop: "Type"}}; the fields
// of an `extends` base are merged in when the base is declared there too.
function parseInterfaces(text) {
  const clean = text.replace(/\/\*[\s\S]*?\*\//g, "");
  const result = {};
  const header = /export interface (\w+)(?:\s+extends\s+([^{]+))?\s*\{/g;
  let m;
  while ((m = header.exec(clean)) !== null) {
    let depth = 1;
    let i = header.lastIndex;
    for (; i < clean.length && depth > 0; i++) {
      if (clean[i] === "{") depth++;
      else if (clean[i] === "}") depth--;
    }
    result[m[1]] = parseProps(clean.slice(header.lastIndex, i - 1));
  }
  return result;
}

// Checks `value` against a type string; collects unknown fields' paths.
function walkType(value, type, where, types, unknown) {
  type = type.replace(/\s*\|\s*(undefined|null)\b/g, "").trim();
  if (value === null || typeof value !== "object") return;
  let m;
  if ((m = type.match(/^Array<([\s\S]+)>$/))) {
    if (Array.isArray(value)) {
      value.forEach((v, i) => walkType(v, m[1], `${where}[${i}]`, types, unknown));
    }
    return;
  }
  if ((m = type.match(/^\{\s*\[key: string\]:\s*([\s\S]+?);?\s*\}$/))) {
    for (const [k, v] of Object.entries(value)) {
      walkType(v, m[1], `${where}.${k}`, types, unknown);
    }
    return;
  }
  if (type.startsWith("{") && type.endsWith("}")) {
    walkProps(value, parseProps(type.slice(1, -1)), where, types, unknown);
    return;
  }
  if (/^\w+$/.test(type) && types.has(type)) {
    walkProps(value, types.get(type), where, types, unknown);
  }
  // Anything else (unions, aliases such as IntOrString or Quantity) is left to
  // the schema validator.
}

function walkProps(value, props, where, types, unknown) {
  if (Array.isArray(value) || value === null || typeof value !== "object") return;
  for (const [key, child] of Object.entries(value)) {
    const path = where ? `${where}.${key}` : key;
    if (!(key in props)) {
      unknown.push(path);
      continue;
    }
    walkType(child, props[key], path, types, unknown);
  }
}
