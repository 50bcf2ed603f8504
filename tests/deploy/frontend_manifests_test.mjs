// The frontend container of Tributary's pod (tributary-frontend, its flags in
// deploy/k8s/base/frontend.flags) against the rest of the rendering: its
// flagfile parses with the real binary, its ports and /healthz probes match
// its flags, a Service exposes it, it reaches Tributary over a Unix socket on
// a volume both containers mount, its certificate comes from a Secret, its
// memory limit fits the budget, its drain fits Tributary's, and the
// NetworkPolicy admits node-level pullers. Ports, Services, ServiceMonitor and
// NetworkPolicy of the whole pod are in manifests_test.

import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { check, noProblems, run, test } from "./lib/harness.mjs";
import { runfile, tempDir } from "./lib/env.mjs";
import { describe } from "./lib/k8s.mjs";
import { frontend, unixSocketPath } from "./lib/frontend.mjs";
import { k8sRoot, lazyRendering, renderableKustomizations, renderOrSkip } from "./lib/tree.mjs";
import { mebibytes, resolvePodPort, resolvePort, selectorMatches, workload } from "./lib/workload.mjs";

// The frontend's memory, the budget in deploy/k8s/base/deployment.yaml
// (measured, docs/benchmarks.md "Frontend memory"): at rest; per blob download
// streaming to a slow client, for as many at once as --max_blob_downloads lets
// stream (more wait for a slot); per open client connection (TLS state,
// header buffer), for as many as the budget leaves room for.
const kFrontendBaseMiB = 24;
const kFrontendPerStreamMiB = 6;
const kFrontendPerConnectionMiB = 0.1;
const kFrontendConnections = 256;

// Seconds of a preStop that is a plain sleep (exec sleep N or sleep action).
function preStopSleep(container) {
  const preStop = container.lifecycle?.preStop;
  if (preStop?.sleep) return preStop.sleep.seconds;
  if (preStop?.exec) {
    const [cmd, seconds] = preStop.exec.command;
    if (cmd === "sleep" && /^\d+$/.test(seconds)) return Number(seconds);
  }
  return 0;
}

// Problems with the frontend of `objects`, one function per point, so the
// negative control can break a rendering and see the check name what broke.
const checks = {
  portsAndProbes(objects) {
    const w = workload(objects);
    const fe = frontend(w, objects);
    if (!fe) return [`no container named frontend in ${describe(w.deployment)}`];
    const problems = [];
    const ports = Object.fromEntries((fe.container.ports || []).map((p) => [p.name, p.containerPort]));
    if (ports.registry !== fe.listenPort) {
      problems.push(`containerPort registry is ${ports.registry}, --listen_address is on ${fe.listenPort}`);
    }
    if (fe.metricsPort !== null && ports["fe-metrics"] !== fe.metricsPort) {
      problems.push(`containerPort fe-metrics is ${ports["fe-metrics"]}, --metrics_listen_address is on ${fe.metricsPort}`);
    }
    const scheme = fe.plainHttp ? "HTTP" : "HTTPS";
    for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
      const get = fe.container[probe]?.httpGet;
      if (!get) {
        problems.push(`${probe} is not an HTTP probe`);
        continue;
      }
      if (get.path !== "/healthz") problems.push(`${probe} asks ${get.path}, not /healthz`);
      const port = resolvePort(fe.container, get.port);
      if (port !== fe.listenPort) problems.push(`${probe} checks port ${port}, the frontend listens on ${fe.listenPort}`);
      if ((get.scheme ?? "HTTP") !== scheme) problems.push(`${probe} speaks ${get.scheme ?? "HTTP"}, the frontend ${scheme}`);
    }
    if (fe.container.image !== w.container.image) {
      problems.push(`the frontend runs image ${fe.container.image}, Tributary ${w.container.image}: one image ships both`);
    }
    const podLabels = w.deployment.spec.template.metadata.labels;
    const exposed = objects.some((o) => o.kind === "Service" && selectorMatches(o.spec.selector, podLabels) &&
      o.spec.ports.some((p) => resolvePodPort(w.pod, p.targetPort ?? p.port) === fe.listenPort));
    if (!exposed) problems.push(`no Service exposes the frontend's port ${fe.listenPort}`);
    return problems;
  },

  // unix:///DIR/SOCK in the frontend: DIR is the mount of a volume that
  // Tributary mounts too, writable, and Tributary listens on that socket.
  sharedSocket(objects) {
    const w = workload(objects);
    const fe = frontend(w, objects);
    const socket = unixSocketPath(fe.tributaryAddress);
    if (!socket) return [`--tributary_address ${fe.tributaryAddress} is not a Unix socket (unix:///PATH)`];
    const feMount = (fe.container.volumeMounts || []).find((m) => m.mountPath === path.posix.dirname(socket));
    if (!feMount) return [`the frontend mounts no volume at ${path.posix.dirname(socket)}, the socket's directory`];
    const problems = [];
    const volume = w.pod.volumes.find((v) => v.name === feMount.name);
    if (!volume?.emptyDir) problems.push(`volume ${feMount.name} of the socket is not an emptyDir`);
    const trMount = (w.container.volumeMounts || []).find((m) => m.name === feMount.name);
    if (!trMount) return [...problems, `Tributary does not mount volume ${feMount.name}, the frontend's socket directory`];
    if (trMount.readOnly) problems.push(`Tributary mounts volume ${feMount.name} read-only: it cannot create its socket`);
    const expected = `${trMount.mountPath}/${path.posix.basename(socket)}`;
    if (!w.grpcAddresses.some((a) => unixSocketPath(a) === expected)) {
      problems.push(`Tributary listens on ${w.grpcAddresses.join(", ")}, not on unix://${expected} ` +
        `where the frontend dials (server.additional_listen_addresses)`);
    }
    return problems;
  },

  certificateFromSecret(objects) {
    const w = workload(objects);
    const fe = frontend(w, objects);
    if (fe.plainHttp) return [];
    const problems = [];
    for (const name of ["cert_file", "key_file"]) {
      const file = fe.flag(name);
      if (!file) {
        problems.push(`--${name} is not set and --plain_http is off: the frontend does not start`);
        continue;
      }
      const mount = (fe.container.volumeMounts || []).find((m) => file.startsWith(`${m.mountPath}/`));
      const volume = mount && w.pod.volumes.find((v) => v.name === mount.name);
      if (!volume?.secret) problems.push(`--${name} ${file} is on no Secret volume of the frontend`);
      else if (mount.readOnly !== true) problems.push(`--${name}: Secret ${volume.secret.secretName} mounted writable`);
    }
    return problems;
  },

  memoryBudget(objects) {
    const w = workload(objects);
    const fe = frontend(w, objects);
    const streams = fe.maxBlobDownloads;
    const needed = kFrontendBaseMiB + streams * kFrontendPerStreamMiB +
      kFrontendConnections * kFrontendPerConnectionMiB;
    const limit = mebibytes(fe.container.resources?.limits?.memory ?? 0);
    const problems = [];
    if (limit < needed) {
      problems.push(`frontend memory limit ${limit} MiB < ${needed} MiB for ${streams} blob downloads ` +
        `streaming and ${kFrontendConnections} connections`);
    }
    if (!fe.container.resources?.requests?.cpu) problems.push("frontend has no CPU request");
    return problems;
  },

  // The frontend drains during its preStop sleep (it stops at once on
  // SIGTERM); Tributary must still be finishing calls then.
  drainFitsTributarys(objects) {
    const w = workload(objects);
    const fe = frontend(w, objects);
    const sleep = preStopSleep(fe.container);
    const tributaryEnd = preStopSleep(w.container) + w.shutdownGrace;
    const grace = w.pod.terminationGracePeriodSeconds ?? 30;
    const problems = [];
    if (sleep <= 0) problems.push("the frontend has no preStop sleep: SIGTERM cuts every download in flight");
    if (sleep > tributaryEnd) {
      problems.push(`the frontend's preStop ${sleep}s outlasts Tributary's drain (${tributaryEnd}s): ` +
        "its last downloads find Tributary gone");
    }
    if (sleep >= grace) problems.push(`the frontend's preStop ${sleep}s >= terminationGracePeriodSeconds ${grace}`);
    return problems;
  },

  // Node-level pullers (containerd) are no pods: some rule admits the
  // frontend's port from an ipBlock.
  nodesAdmitted(objects) {
    const w = workload(objects);
    const fe = frontend(w, objects);
    const labels = w.deployment.spec.template.metadata.labels;
    const rules = objects.filter((o) => o.kind === "NetworkPolicy" && selectorMatches(o.spec.podSelector.matchLabels, labels))
      .flatMap((o) => o.spec.ingress || []);
    const admitsNodes = rules.some((rule) => (rule.from || []).some((peer) => peer.ipBlock) &&
      (rule.ports || []).some((p) => resolvePodPort(w.pod, p.port) === fe.listenPort));
    return admitsNodes ? [] : [`no NetworkPolicy rule admits the frontend's port ${fe.listenPort} from an ipBlock (the nodes)`];
  },
};

const renderable = renderableKustomizations();

test("each frontend check names what a broken rendering gets wrong (negative control)", () => {
  const base = renderOrSkip(path.join(k8sRoot, "base"));
  const container = (objects, name) => objects.find((o) => o.kind === "Deployment")
    .spec.template.spec.containers.find((c) => c.name === name);
  const flags = (objects) => objects.find((o) => o.kind === "ConfigMap" && o.data?.["frontend.flags"]);
  const broken = [
    ["portsAndProbes", (o) => { container(o, "frontend").readinessProbe.httpGet.path = "/v2/"; }, "asks /v2/, not /healthz"],
    ["portsAndProbes", (o) => { container(o, "frontend").ports[0].containerPort = 5001; }, "containerPort registry is 5001"],
    ["portsAndProbes", (o) => { container(o, "frontend").livenessProbe.httpGet.scheme = "HTTP"; }, "speaks HTTP, the frontend HTTPS"],
    ["sharedSocket", (o) => {
      const cm = flags(o);
      cm.data["frontend.flags"] = cm.data["frontend.flags"].replace("unix:///run/tributary/grpc.sock", "unix:///run/tributary/other.sock");
    }, "not on unix:///run/tributary/other.sock"],
    ["sharedSocket", (o) => {
      const c = container(o, "tributary");
      c.volumeMounts = c.volumeMounts.filter((m) => m.name !== "grpc-socket");
    }, "Tributary does not mount volume grpc-socket"],
    ["certificateFromSecret", (o) => {
      const c = container(o, "frontend");
      c.volumeMounts = c.volumeMounts.filter((m) => m.name !== "frontend-tls");
    }, "is on no Secret volume"],
    ["memoryBudget", (o) => { container(o, "frontend").resources.limits.memory = "64Mi"; }, "frontend memory limit 64 MiB"],
    ["memoryBudget", (o) => {
      const cm = flags(o);
      cm.data["frontend.flags"] = cm.data["frontend.flags"].replace("--max_blob_downloads=16", "--max_blob_downloads=64");
    }, "for 64 blob downloads"],
    ["drainFitsTributarys", (o) => { container(o, "frontend").lifecycle.preStop.exec.command = ["sleep", "40"]; },
      "outlasts Tributary's drain"],
    ["nodesAdmitted", (o) => {
      const policy = o.find((x) => x.kind === "NetworkPolicy");
      for (const rule of policy.spec.ingress) rule.from = rule.from.filter((peer) => !peer.ipBlock);
    }, "from an ipBlock"],
  ];
  for (const [name, breakIt, expected] of broken) {
    const objects = structuredClone(base);
    breakIt(objects);
    const problems = checks[name](objects);
    check(problems.some((p) => p.includes(expected)), `${name} gave ${JSON.stringify(problems)}, expected "${expected}"`);
  }
});

// Runs tributary-frontend on flagfile `text` until its flags are parsed: an
// error message, or null when they parse.
function flagfileError(text) {
  const file = path.join(tempDir("frontend-flags"), "frontend.flags");
  fs.writeFileSync(file, text);
  // Abseil parses every flag, then --version exits 0; an unknown flag or a
  // bad value exits 1 naming it.
  try {
    execFileSync(runfile("client/frontend/tributary-frontend"), [`--flagfile=${file}`, "--version"],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return null;
  } catch (e) {
    return `tributary-frontend --flagfile exited ${e.status}: ${e.stderr}`;
  }
}

test("a flagfile with an unknown flag or a bad value does not parse (negative control)", () => {
  check(flagfileError("--plain_http\n") === null, "a good flagfile did not parse");
  check(flagfileError("--plain_htp\n")?.includes("plain_htp"), "an unknown flag parsed");
  check(flagfileError("--io_threads=two\n")?.includes("io_threads"), "a bad value parsed");
});

for (const k of renderable) {
  const rendered = lazyRendering(k.dir);

  test(`${k.rel}: the frontend's flagfile parses with tributary-frontend`, () => {
    const w = workload(rendered());
    const fe = frontend(w, rendered());
    check(fe, "no frontend container");
    const key = path.posix.basename(fe.flagsPath);
    const configMap = rendered().find((o) => o.kind === "ConfigMap" && Object.keys(o.data || {}).includes(key));
    const error = flagfileError(configMap.data[key]);
    check(error === null, error);
  });

  const cases = [
    ["the frontend's ports and /healthz probes match its flags; a Service exposes it", "portsAndProbes"],
    ["the frontend reaches Tributary over a Unix socket on a volume both mount", "sharedSocket"],
    ["the frontend's certificate and key come from a Secret", "certificateFromSecret"],
    ["the frontend's memory limit fits its budgeted blob downloads and connections", "memoryBudget"],
    ["the frontend drains within Tributary's drain", "drainFitsTributarys"],
    ["NetworkPolicy admits node-level pullers to the frontend", "nodesAdmitted"],
  ];
  for (const [title, name] of cases) {
    test(`${k.rel}: ${title}`, () => noProblems(checks[name](rendered()), title));
  }
}

await run("deploy_frontend_manifests");
