// Where things are when a deploy test runs under Bazel: the runfiles tree is
// the working directory; tools come from the environment or the source tree.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

// A runfile by its workspace-relative path (e.g. "service/tributary").
export function runfile(relative) {
  const file = path.resolve(relative);
  if (!fs.existsSync(file)) {
    throw new Error(`runfile ${relative} is missing (is it in the test's data?)`);
  }
  return file;
}

// The source tree's root, found through a runfile's symlink (runfiles point
// back into the workspace). Only used to find tests/tools/node_modules when
// $TRIBUTARY_NODE_MODULES is not set.
function sourceRoot() {
  const real = fs.realpathSync(runfile("tests/deploy/lib/env.mjs"));
  return path.resolve(path.dirname(real), "../../..");
}

// tests/tools/node_modules, from $TRIBUTARY_NODE_MODULES (scripts/test.sh sets
// it) or next to the source tree.
export function nodeModules() {
  const dir = process.env.TRIBUTARY_NODE_MODULES ||
    path.join(sourceRoot(), "tests/tools/node_modules");
  if (!fs.existsSync(path.join(dir, "kubernetes-models"))) {
    throw new Error(`no npm test tools in ${dir}: run ./scripts/setup.sh --test`);
  }
  return dir;
}

// Imports a module file of an npm package by path (bypassing "exports" maps,
// which hide the files the models are generated into).
export async function importPackageFile(relative) {
  return import(pathToFileURL(path.join(nodeModules(), relative)).href);
}

// A fresh directory under $TEST_TMPDIR.
export function tempDir(prefix) {
  const parent = process.env.TEST_TMPDIR || os.tmpdir();
  return fs.mkdtempSync(path.join(parent, `${prefix}-`));
}

// Copies a directory tree, following symlinks, so tools that refuse symlinks
// leaving their root (kustomize does) see plain files.
export function copyTree(from, to) {
  fs.cpSync(from, to, { recursive: true, dereference: true });
}
