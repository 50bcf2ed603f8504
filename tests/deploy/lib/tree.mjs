// The deploy/k8s tree as the deploy tests see it: a plain copy (kustomize
// refuses files that symlink out of its root, and runfiles are symlinks), its
// kustomizations and components, and renderings that need kubectl. Without a
// usable kubectl, a case that needs a rendering reports skipped with the reason.

import fs from "node:fs";
import path from "node:path";
import { skip } from "./harness.mjs";
import { copyTree, runfile, tempDir } from "./env.mjs";
import { kubectlProblem, render } from "./k8s.mjs";
import YAML from "./yaml.mjs";

export const k8sRoot = path.join(tempDir("k8s"), "k8s");
copyTree(runfile("deploy/k8s"), k8sRoot);

// Why nothing can be rendered here (kubectl missing or too old), or null.
export const kubectlMissing = kubectlProblem();

// Every kustomization.yaml under the tree: {dir, rel, spec}, sorted by path.
export function kustomizations() {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "kustomization.yaml") {
        found.push({ dir, rel: path.relative(k8sRoot, dir), spec: YAML.parse(fs.readFileSync(full, "utf8")) });
      }
    }
  };
  walk(k8sRoot);
  return found.sort((a, b) => a.rel.localeCompare(b.rel));
}

// The objects of the kustomization in `dir`; skips the running case when
// kubectl cannot render.
export function renderOrSkip(dir) {
  if (kubectlMissing !== null) skip(kubectlMissing);
  return render(dir);
}

// One rendering per kustomization, made on first use and kept: a failure
// fails each case that asks for it; a missing kubectl skips them.
export function lazyRendering(dir) {
  let objects = null;
  let error = null;
  return () => {
    if (objects === null && error === null) {
      try {
        objects = renderOrSkip(dir);
      } catch (e) {
        error = e;
      }
    }
    if (error !== null) throw error;
    return objects;
  };
}

// The kustomizations to render: the shipped ones, plus the base with each
// component that no shipped kustomization uses (written into the copy), so
// every component is rendered by some case.
export function renderableKustomizations() {
  const all = kustomizations();
  const shipped = all.filter((k) => k.spec.kind === "Kustomization");
  for (const component of all.filter((k) => k.spec.kind === "Component")) {
    const used = shipped.some((k) => (k.spec.components || [])
      .some((c) => path.resolve(k.dir, c) === component.dir));
    if (used) continue;
    const dir = path.join(k8sRoot, "rendered-by-tests", `base+${path.basename(component.dir)}`);
    fs.mkdirSync(dir, { recursive: true });
    const spec = {
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      resources: [path.relative(dir, path.join(k8sRoot, "base"))],
      components: [path.relative(dir, component.dir)],
    };
    fs.writeFileSync(path.join(dir, "kustomization.yaml"), YAML.stringify(spec));
  }
  return kustomizations().filter((k) => k.spec.kind === "Kustomization");
}
