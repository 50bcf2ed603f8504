// deploy/k8s against the service it deploys: every kustomization renders, every
// object validates against the Kubernetes / prometheus-operator schemas
// (strictly: no unknown fields), the mounted config passes
// `tributary --check-config`, and ports, probes, drain timing, selectors,
// security settings and network policy agree with that config.

import fs from "node:fs";
import path from "node:path";
import { check, noProblems, run, test } from "./lib/harness.mjs";
import { tempDir } from "./lib/env.mjs";
import { describe, kubectlProblem, validateSchema } from "./lib/k8s.mjs";
import { k8sRoot, lazyRendering, renderableKustomizations, renderOrSkip } from "./lib/tree.mjs";
import { checkConfig } from "./lib/tributary.mjs";
import { frontend } from "./lib/frontend.mjs";
import { bytes, mebibytes, resolvePodPort, resolvePort, selectorMatches, workload } from "./lib/workload.mjs";

// Memory Tributary needs, the budget of deploy/k8s/base/deployment.yaml: at
// rest, per open GetBlob stream, the memory cache with its allocator and
// bookkeeping overhead (all measured), and manifests and tag pages in flight.
const kBaseMiB = 28;
const kPerStreamMiB = 1;
const kCacheOverhead = 1.7;
const kInFlightMiB = 64;
// cache.memory_bytes when the config leaves it out (proto/tributary/v1/config.proto).
const kDefaultMemoryCacheBytes = 64 * 2 ** 20;

// cache.blob_disk_bytes when the config leaves it out (proto/tributary/v1/config.proto).
const kDefaultBlobDiskBytes = 8 * 2 ** 30;

// The volume of the blob store: mounted writable in the main container, with
// cache.blob_directory exactly one folder inside it. Not the mount itself: a
// volume's root is world-writable (an emptyDir is root-owned, mode 0777 or,
// with fsGroup, 2777), and Tributary refuses a store others can write; the
// folder inside it Tributary creates 0700 for itself. Not deeper, nor inside
// another mount: the store would share the volume's space. Throws naming what
// is wrong.
function blobStoreVolume(w) {
  const directory = w.config.cache?.blob_directory;
  check(directory, "the config sets no cache.blob_directory: the disk store is off");
  const mounts = w.container.volumeMounts || [];
  check(!mounts.some((m) => m.mountPath === directory),
    `cache.blob_directory ${directory} is a volume's root, which others can write and Tributary ` +
    `refuses; use a folder inside it (${directory}/blobs)`);
  const mount = mounts.find((m) => path.posix.dirname(directory) === m.mountPath);
  const around = mounts.filter((m) => directory.startsWith(`${m.mountPath}/`)).map((m) => m.mountPath);
  check(mount, `cache.blob_directory ${directory} is no folder directly inside a volume of ${w.container.name}` +
    (around.length ? ` (it is deeper inside ${around.join(", ")}; give the store its own volume)` : ""));
  check(mount.readOnly !== true, `the volume of cache.blob_directory ${directory} is mounted read-only`);
  const volume = w.pod.volumes.find((v) => v.name === mount.name);
  check(volume, `volume ${mount.name} at ${mount.mountPath} is not in the pod`);
  return volume;
}

// cache.blob_disk_bytes (default 8 GiB) against the room of `volume`: an
// emptyDir's sizeLimit, or the storage request of a PVC rendered alongside.
function blobStoreSizeProblems(w, volume, objects) {
  const cap = Number(w.config.cache?.blob_disk_bytes ?? 0) || kDefaultBlobDiskBytes;
  let room;
  if (volume.emptyDir) {
    if (!volume.emptyDir.sizeLimit) return [`emptyDir ${volume.name} has no sizeLimit`];
    room = { bytes: bytes(volume.emptyDir.sizeLimit), what: `emptyDir ${volume.name} sizeLimit ${volume.emptyDir.sizeLimit}` };
  } else if (volume.persistentVolumeClaim) {
    const name = volume.persistentVolumeClaim.claimName;
    const claim = objects.find((o) => o.kind === "PersistentVolumeClaim" && o.metadata.name === name);
    if (!claim) return [`volume ${volume.name} is PVC ${name}, which is not rendered alongside: its size is unknown`];
    const storage = claim.spec.resources?.requests?.storage;
    room = { bytes: bytes(storage), what: `PVC ${name} storage ${storage}` };
  } else {
    return [`volume ${volume.name} is neither an emptyDir nor a PVC`];
  }
  if (cap < room.bytes) return [];
  return [`cache.blob_disk_bytes ${cap} (${(cap / 2 ** 30).toFixed(1)} GiB) is not below ${room.what}: ` +
    "the kubelet evicts the pod (or the disk fills) before the store evicts a blob"];
}

const renderable = renderableKustomizations();

test("deploy/k8s has a base and an overlay", () => {
  const rels = renderable.map((k) => k.rel);
  check(rels.includes("base"), `no base kustomization in ${rels}`);
  check(rels.some((r) => r.startsWith("overlays/")), `no overlay in ${rels}`);
});

test("a missing or pre-1.21 kubectl is a reason to skip, a current one is not (control)", () => {
  const dir = tempDir("fake-kubectl");
  const fake = (minor) => {
    fs.writeFileSync(path.join(dir, "kubectl"),
      `#!/bin/sh\necho '{"clientVersion": {"major": "1", "minor": "${minor}"}}'\n`, { mode: 0o755 });
  };
  const empty = tempDir("no-kubectl");
  const missing = kubectlProblem({ ...process.env, PATH: empty });
  check(missing?.includes("kubectl is not on PATH"), `no kubectl on PATH gave ${missing}`);
  fake("20");
  const old = kubectlProblem({ ...process.env, PATH: dir });
  check(old?.includes("kubectl 1.20 is older than 1.21"), `kubectl 1.20 gave ${old}`);
  fake("21+");
  const current = kubectlProblem({ ...process.env, PATH: dir });
  check(current === null, `kubectl 1.21+ gave ${current}`);
});

test("the schema check rejects a typo, a wrong type and a bad enum (negative control)", async () => {
  const objects = renderOrSkip(path.join(k8sRoot, "base"));
  const broken = [
    ["unknown container field", (d) => { d.spec.template.spec.containers[0].readinessProb = {}; }],
    ["unknown probe field", (d) => { d.spec.template.spec.containers[0].livenessProbe.grpc.prot = 1; }],
    ["wrong type", (d) => { d.spec.replicas = "two"; }],
    ["bad enum", (d) => { d.spec.template.spec.containers[0].imagePullPolicy = "Sometimes"; }],
  ];
  for (const [what, breakIt] of broken) {
    const deployment = structuredClone(objects.find((o) => o.kind === "Deployment"));
    breakIt(deployment);
    let rejected = false;
    try {
      await validateSchema(deployment);
    } catch {
      rejected = true;
    }
    check(rejected, `a Deployment with a ${what} passed validation`);
  }
  const monitor = {
    apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "x" },
    spec: { selector: {}, endpoints: [{ prot: "metrics" }] },
  };
  let rejected = false;
  try {
    await validateSchema(monitor);
  } catch {
    rejected = true;
  }
  check(rejected, "a ServiceMonitor with an unknown endpoint field passed validation");
});

test("the blob store check rejects a shared, read-only or too small volume (negative control)", () => {
  const base = workload(renderOrSkip(path.join(k8sRoot, "base")));
  const cases = [
    ["a directory deeper inside the mount", (w) => { w.config.cache.blob_directory += "/x"; }, "give the store its own volume"],
    ["the volume's root", (w) => {
      w.config.cache.blob_directory = path.posix.dirname(w.config.cache.blob_directory);
    }, "Tributary refuses"],
    ["no directory", (w) => { delete w.config.cache.blob_directory; }, "the disk store is off"],
    ["a read-only mount", (w) => {
      w.container.volumeMounts.find((m) => m.mountPath === path.posix.dirname(w.config.cache.blob_directory))
        .readOnly = true;
    }, "mounted read-only"],
    ["a cap at the sizeLimit", (w) => { w.config.cache.blob_disk_bytes = 10 * 2 ** 30; }, "is not below emptyDir"],
    ["the default cap over a 4Gi volume", (w) => {
      delete w.config.cache.blob_disk_bytes;
      w.pod.volumes.find((v) => v.name === "blob-cache").emptyDir.sizeLimit = "4Gi";
    }, "8589934592 (8.0 GiB) is not below"],
    ["an emptyDir without sizeLimit", (w) => {
      delete w.pod.volumes.find((v) => v.name === "blob-cache").emptyDir.sizeLimit;
    }, "has no sizeLimit"],
  ];
  for (const [what, breakIt, expected] of cases) {
    const w = structuredClone(base);
    breakIt(w);
    let problems;
    try {
      problems = blobStoreSizeProblems(w, blobStoreVolume(w), []);
    } catch (e) {
      problems = [e.message];
    }
    check(problems.some((p) => p.includes(expected)), `${what} gave ${JSON.stringify(problems)}, expected "${expected}"`);
  }
});

for (const k of renderable) {
  const name = k.rel;
  const rendered = lazyRendering(k.dir);
  const hasMonitoring = (k.spec.components || []).some((c) => path.basename(c) === "monitoring");

  test(`${name}: renders with kubectl kustomize`, () => {
    check(rendered().length > 0, "rendered nothing");
    const kinds = new Set(rendered().map((o) => o.kind));
    for (const kind of ["Deployment", "ConfigMap", "Service", "PodDisruptionBudget",
      "HorizontalPodAutoscaler", "NetworkPolicy"]) {
      check(kinds.has(kind), `no ${kind} rendered`);
    }
  });

  test(`${name}: every object validates against its schema`, async () => {
    const problems = [];
    for (const object of rendered()) {
      try {
        await validateSchema(object);
      } catch (e) {
        problems.push(e.message);
      }
    }
    noProblems(problems, "schema violations");
  });

  test(`${name}: the mounted config passes tributary --check-config`, () => {
    const w = workload(rendered());
    const file = path.join(tempDir("configmap"), "tributary.yaml");
    fs.writeFileSync(file, w.configText);
    const result = checkConfig(file);
    check(result.code === 0, `--check-config exited ${result.code}: ${result.stderr}`);
    check(result.stdout.startsWith(`${file}: ok`), `unexpected output: ${result.stdout}`);
  });

  test(`${name}: ports, probes and Services match the config`, () => {
    const w = workload(rendered());
    const fe = frontend(w, rendered());
    const problems = [];
    const ports = Object.fromEntries((w.container.ports || []).map((p) => [p.name, p.containerPort]));
    if (ports.grpc !== w.grpcPort) problems.push(`containerPort grpc is ${ports.grpc}, config listens on ${w.grpcPort}`);
    if (w.metricsPort !== null && ports.metrics !== w.metricsPort) {
      problems.push(`containerPort metrics is ${ports.metrics}, config serves metrics on ${w.metricsPort}`);
    }
    for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
      const p = w.container[probe];
      if (!p?.grpc) problems.push(`${probe} is not a gRPC (grpc.health.v1) probe`);
      else if (p.grpc.port !== w.grpcPort) problems.push(`${probe} checks port ${p.grpc.port}, not ${w.grpcPort}`);
    }
    const podLabels = w.deployment.spec.template.metadata.labels;
    for (const service of rendered().filter((o) => o.kind === "Service")) {
      if (!selectorMatches(service.spec.selector, podLabels)) {
        problems.push(`${describe(service)} does not select the pods`);
      }
      for (const port of service.spec.ports) {
        const target = resolvePodPort(w.pod, port.targetPort ?? port.port);
        const expected = {
          grpc: w.grpcPort, metrics: w.metricsPort, registry: fe?.listenPort, "fe-metrics": fe?.metricsPort,
        }[port.name];
        if (target === null) problems.push(`${describe(service)} port ${port.name} targets no container port`);
        else if (expected !== undefined && target !== expected) {
          problems.push(`${describe(service)} port ${port.name} reaches ${target}, config says ${expected}`);
        }
      }
    }
    const headless = rendered().filter((o) => o.kind === "Service" && o.spec.clusterIP === "None");
    if (!headless.some((s) => s.spec.ports.some((p) => resolvePort(w.container, p.targetPort ?? p.port) === w.grpcPort))) {
      problems.push("no headless Service for gRPC client-side load balancing");
    }
    noProblems(problems, "port mismatches");
  });

  if (hasMonitoring) test(`${name}: ServiceMonitor scrapes the metrics port of exactly one Service`, () => {
    const monitors = rendered().filter((o) => o.kind === "ServiceMonitor");
    check(monitors.length > 0, "no ServiceMonitor rendered");
    const w = workload(rendered());
    check(w.metricsPort !== null, "a ServiceMonitor, but the config disables metrics");
    // Tributary's metrics port, and the frontend container's when it serves one.
    const metricsPorts = [w.metricsPort, frontend(w, rendered())?.metricsPort].filter((p) => p != null);
    const scraped = new Set();
    for (const monitor of monitors) {
      const services = rendered().filter((o) => o.kind === "Service" &&
        selectorMatches(monitor.spec.selector.matchLabels, o.metadata.labels));
      check(services.length === 1, `${describe(monitor)} selects ${services.length} Services (want 1: no double scrape)`);
      for (const endpoint of monitor.spec.endpoints) {
        const port = services[0].spec.ports.find((p) => p.name === endpoint.port);
        check(port, `${describe(services[0])} has no port named ${endpoint.port}`);
        const target = resolvePodPort(w.pod, port.targetPort ?? port.port);
        check(metricsPorts.includes(target),
          `${describe(monitor)} scrapes container port ${target}, metrics are on ${metricsPorts.join(", ")}`);
        check((endpoint.path ?? "/metrics") === "/metrics", `scrapes ${endpoint.path}, not /metrics`);
        scraped.add(target);
      }
    }
    const missed = metricsPorts.filter((p) => !scraped.has(p));
    check(missed.length === 0, `no ServiceMonitor endpoint scrapes metrics port(s) ${missed.join(", ")}`);
  });

  test(`${name}: drain fits in terminationGracePeriodSeconds`, () => {
    const w = workload(rendered());
    const preStop = w.container.lifecycle?.preStop;
    let sleep = 0;
    if (preStop?.sleep) sleep = preStop.sleep.seconds;
    else if (preStop?.exec) {
      const [cmd, seconds] = preStop.exec.command;
      check(cmd === "sleep" && /^\d+$/.test(seconds), `preStop is not a plain sleep: ${preStop.exec.command}`);
      sleep = Number(seconds);
    }
    check(sleep > 0, "no preStop sleep: clients keep sending to a pod that refuses calls");
    const grace = w.pod.terminationGracePeriodSeconds ?? 30;
    check(grace > sleep + w.shutdownGrace,
      `terminationGracePeriodSeconds ${grace} <= preStop ${sleep}s + shutdown_grace ${w.shutdownGrace}s: in-flight calls get SIGKILLed`);
  });

  test(`${name}: rolling update keeps capacity; PDB and HPA guard it`, () => {
    const w = workload(rendered());
    const spec = w.deployment.spec;
    const podLabels = spec.template.metadata.labels;
    check(spec.strategy?.type === "RollingUpdate", "strategy is not RollingUpdate");
    check(spec.strategy.rollingUpdate?.maxUnavailable === 0, "rollingUpdate.maxUnavailable is not 0");
    check(selectorMatches(spec.selector.matchLabels, podLabels), "Deployment selector does not match its pods");
    const pdb = rendered().find((o) => o.kind === "PodDisruptionBudget");
    check(selectorMatches(pdb.spec.selector.matchLabels, podLabels), "PDB does not select the pods");
    const hpa = rendered().find((o) => o.kind === "HorizontalPodAutoscaler");
    check(hpa.spec.scaleTargetRef.kind === "Deployment" && hpa.spec.scaleTargetRef.name === w.deployment.metadata.name,
      `HPA targets ${hpa.spec.scaleTargetRef.kind} ${hpa.spec.scaleTargetRef.name}`);
    check(hpa.spec.minReplicas >= 2 && hpa.spec.minReplicas <= hpa.spec.maxReplicas, "HPA min/max replicas");
    check(hpa.spec.metrics.some((m) => m.resource?.name === "cpu"), "HPA does not scale on CPU");
    check(w.container.resources?.requests?.cpu, "no CPU request: the HPA's utilization has no base");
    check(w.container.resources?.requests?.memory && w.container.resources?.limits?.memory, "memory request/limit missing");
  });

  test(`${name}: the memory limit fits the blob stream cap and the memory cache`, () => {
    const w = workload(rendered());
    const streams = w.config.limits?.max_blob_streams ?? 256;
    const cacheMiB = w.config.cache?.disabled ? 0 :
      Number(w.config.cache?.memory_bytes ?? kDefaultMemoryCacheBytes) / 2 ** 20;
    const limit = mebibytes(w.container.resources?.limits?.memory);
    const needed = kBaseMiB + streams * kPerStreamMiB + cacheMiB * kCacheOverhead + kInFlightMiB;
    check(limit >= needed, `memory limit ${limit} MiB < ${needed} MiB for ${streams} blob streams ` +
      `and a ${cacheMiB} MiB memory cache`);
  });

  test(`${name}: pods run non-root, read-only, without capabilities, under RuntimeDefault seccomp`, () => {
    const w = workload(rendered());
    const problems = [];
    const podContext = w.pod.securityContext || {};
    if (podContext.runAsNonRoot !== true) problems.push("pod runAsNonRoot is not true");
    if (!(podContext.runAsUser > 0)) problems.push("pod runAsUser is not a non-zero UID");
    for (const c of [...(w.pod.initContainers || []), ...w.pod.containers]) {
      const sc = c.securityContext || {};
      const seccomp = sc.seccompProfile?.type ?? podContext.seccompProfile?.type;
      if (seccomp !== "RuntimeDefault") problems.push(`${c.name}: seccomp ${seccomp}`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${c.name}: root filesystem writable`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${c.name}: privilege escalation allowed`);
      if (sc.privileged) problems.push(`${c.name}: privileged`);
      if (!(sc.capabilities?.drop || []).includes("ALL")) problems.push(`${c.name}: capabilities not all dropped`);
      if (sc.capabilities?.add?.length) problems.push(`${c.name}: adds capabilities`);
      if (!c.image || c.image.endsWith(":latest") || !c.image.includes(":")) problems.push(`${c.name}: image ${c.image} has no fixed tag`);
    }
    noProblems(problems, "security settings");
  });

  test(`${name}: an init container runs --check-config on the mounted config`, () => {
    const w = workload(rendered());
    const init = (w.pod.initContainers || []).find((c) => (c.args || []).includes("--check-config"));
    check(init, "no init container runs --check-config");
    check(init.args[init.args.indexOf("--check-config") + 1] === w.configPath,
      `init container checks ${init.args}, the server reads ${w.configPath}`);
    check(init.image === w.container.image, "init container runs another image than the server");
  });

  test(`${name}: cache and scratch space are size-limited emptyDirs or PVCs`, () => {
    const w = workload(rendered());
    const problems = [];
    for (const volume of w.pod.volumes) {
      if (volume.emptyDir && !volume.emptyDir.sizeLimit) problems.push(`emptyDir ${volume.name} has no sizeLimit`);
    }
    const cache = (w.container.volumeMounts || []).find((m) => m.mountPath === "/var/cache/tributary");
    if (!cache) problems.push("nothing mounted at /var/cache/tributary");
    else {
      const volume = w.pod.volumes.find((v) => v.name === cache.name);
      if (!volume?.emptyDir && !volume?.persistentVolumeClaim) problems.push("the cache is not an emptyDir or a PVC");
    }
    noProblems(problems, "volumes");
  });

  test(`${name}: cache.blob_directory is the mountPath of a writable volume of the tributary container`, () => {
    const volume = blobStoreVolume(workload(rendered()));
    check(volume.emptyDir || volume.persistentVolumeClaim,
      `volume ${volume.name} at cache.blob_directory is neither an emptyDir nor a PVC`);
  });

  test(`${name}: cache.blob_disk_bytes is below the size of the blob store's volume`, () => {
    const w = workload(rendered());
    noProblems(blobStoreSizeProblems(w, blobStoreVolume(w), rendered()), "blob store size");
  });

  test(`${name}: credentials only as files from Secrets`, () => {
    const w = workload(rendered());
    const problems = [];
    for (const object of rendered()) {
      if (object.kind === "Secret") problems.push(`${describe(object)} is rendered: secrets do not belong in the repository`);
    }
    for (const c of [...(w.pod.initContainers || []), ...w.pod.containers]) {
      for (const env of c.env || []) {
        if (env.valueFrom?.secretKeyRef) problems.push(`${c.name}: env ${env.name} from a Secret (mount it as a file)`);
      }
      for (const from of c.envFrom || []) {
        if (from.secretRef) problems.push(`${c.name}: envFrom a Secret (mount it as a file)`);
      }
      for (const mount of c.volumeMounts || []) {
        const volume = w.pod.volumes.find((v) => v.name === mount.name);
        if (volume?.secret && mount.readOnly !== true) problems.push(`${c.name}: Secret ${volume.secret.secretName} mounted writable`);
      }
    }
    if (/^\s*(password|token|secret)\s*:/im.test(w.configText)) problems.push("the ConfigMap's config has an inline secret");
    noProblems(problems, "credential handling");
  });

  test(`${name}: every file the config names is mounted, secrets from a Secret`, () => {
    const w = workload(rendered());
    const problems = [];
    // [field path, file, whether it is secret]
    const files = [];
    const tls = w.config.server?.tls || {};
    for (const field of ["cert_file", "key_file", "client_ca_file"]) {
      if (tls[field]) files.push([`server.tls.${field}`, tls[field], field === "key_file"]);
    }
    (w.config.upstreams || []).forEach((u, i) => {
      for (const [kind, auth] of Object.entries(u.auth || {})) {
        for (const [field, value] of Object.entries(auth || {})) {
          const path = `upstreams[${i}].auth.${kind}.${field}`;
          if (field.endsWith("_env")) problems.push(`${path}: environment variables would come from a Secret; use a _file`);
          if (field.endsWith("_file")) files.push([path, value, true]);
        }
      }
      for (const field of ["ca_file", "cert_file", "key_file"]) {
        if (u.tls?.[field]) files.push([`upstreams[${i}].tls.${field}`, u.tls[field], field === "key_file"]);
      }
    });
    for (const [path, file, secret] of files) {
      const mount = (w.container.volumeMounts || [])
        .filter((m) => file.startsWith(`${m.mountPath}/`))
        .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
      if (!mount) {
        problems.push(`${path}: ${file} is on no volume mount of ${w.container.name}`);
        continue;
      }
      const volume = w.pod.volumes.find((v) => v.name === mount.name);
      if (secret && !volume?.secret) problems.push(`${path}: ${file} is secret but volume ${mount.name} is not a Secret`);
    }
    noProblems(problems, "files named by the config");
  });

  test(`${name}: NetworkPolicy admits gRPC, metrics and the frontend, lets out DNS and every upstream`, () => {
    const w = workload(rendered());
    const fe = frontend(w, rendered());
    const served = [w.grpcPort, w.metricsPort, fe?.listenPort, fe?.metricsPort].filter((p) => p != null);
    const policies = rendered().filter((o) => o.kind === "NetworkPolicy" &&
      selectorMatches(o.spec.podSelector.matchLabels, w.deployment.spec.template.metadata.labels));
    check(policies.length > 0, "no NetworkPolicy selects the pods");
    const problems = [];
    const ingressPorts = new Set();
    const egress = [];
    for (const policy of policies) {
      for (const rule of policy.spec.ingress || []) {
        check((rule.from || []).length > 0, `${describe(policy)} admits ingress from anywhere`);
        for (const p of rule.ports || []) ingressPorts.add(resolvePodPort(w.pod, p.port));
      }
      egress.push(...(policy.spec.egress || []));
    }
    if (!ingressPorts.has(w.grpcPort)) problems.push(`ingress to gRPC port ${w.grpcPort} not admitted`);
    if (w.metricsPort !== null && !ingressPorts.has(w.metricsPort)) problems.push(`ingress to metrics port ${w.metricsPort} not admitted`);
    if (fe && !ingressPorts.has(fe.listenPort)) problems.push(`ingress to the frontend's port ${fe.listenPort} not admitted`);
    if (fe?.metricsPort != null && !ingressPorts.has(fe.metricsPort)) {
      problems.push(`ingress to the frontend's metrics port ${fe.metricsPort} not admitted`);
    }
    for (const p of ingressPorts) {
      if (!served.includes(p)) problems.push(`ingress admits port ${p}, which the pod does not serve`);
    }
    const allows = (port, protocol) => egress.some((rule) => !rule.ports ||
      rule.ports.some((p) => p.port === port && (p.protocol ?? "TCP") === protocol));
    if (!allows(53, "UDP")) problems.push("egress to DNS (53/UDP) not allowed");
    for (const upstream of w.upstreamPorts) {
      if (!allows(upstream.port, "TCP")) problems.push(`egress to upstream ${upstream.name} (port ${upstream.port}) not allowed`);
    }
    noProblems(problems, "network policy");
  });
}

await run("deploy_manifests");
