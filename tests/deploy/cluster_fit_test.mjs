// What a real cluster needs from the rendered manifests beyond their schema:
// the HPA alone owns the replica count, the scheduler reserves the disk the
// cache fills, pods spread over zones, Tributary and its frontend listen on
// both IP families, the image names a registry (never Docker Hub's library/
// by accident), DNS egress works with NodeLocal DNSCache when its component
// is added, and kube-prometheus-stack selects the monitoring objects.

import path from "node:path";
import { check, noProblems, run, test } from "./lib/harness.mjs";
import { describe } from "./lib/k8s.mjs";
import { k8sRoot, lazyRendering, renderableKustomizations, renderOrSkip } from "./lib/tree.mjs";
import { frontend } from "./lib/frontend.mjs";
import { bytes, workload } from "./lib/workload.mjs";

// NodeLocal DNSCache's usual link-local address (its -localip).
const kNodeLocalDns = "169.254.20.10/32";

// Problems with `objects`, one function per point, so a negative control can
// break a rendering and see the check name what broke.
const checks = {
  replicasOwnedByHpa(objects) {
    const problems = [];
    for (const hpa of objects.filter((o) => o.kind === "HorizontalPodAutoscaler")) {
      const ref = hpa.spec.scaleTargetRef;
      const target = objects.find((o) => o.kind === ref.kind && o.metadata.name === ref.name);
      if (!target) problems.push(`${describe(hpa)} scales ${ref.kind} ${ref.name}, which is not rendered`);
      else if (target.spec.replicas !== undefined) {
        problems.push(`${describe(target)} sets replicas: ${target.spec.replicas} although ${describe(hpa)} ` +
          "owns the count: every kubectl apply resets what the HPA chose");
      }
      if (!(hpa.spec.minReplicas >= 2)) problems.push(`${describe(hpa)} minReplicas ${hpa.spec.minReplicas} < 2`);
    }
    return problems;
  },

  // Disk-backed emptyDirs count against the node's ephemeral storage: the
  // pod's request must cover their size limits.
  ephemeralStorageRequested(objects) {
    const w = workload(objects);
    const onDisk = w.pod.volumes.filter((v) => v.emptyDir && v.emptyDir.medium !== "Memory");
    const needed = onDisk.reduce((sum, v) => sum + bytes(v.emptyDir.sizeLimit ?? 0), 0);
    const requested = w.pod.containers.reduce((sum, c) =>
      sum + bytes(c.resources?.requests?.["ephemeral-storage"] ?? 0), 0);
    if (requested >= needed) return [];
    const list = onDisk.map((v) => `${v.name} ${v.emptyDir.sizeLimit}`).join(" + ");
    return [`ephemeral-storage requested ${(requested / 2 ** 30).toFixed(2)} GiB < the emptyDirs' ` +
      `${(needed / 2 ** 30).toFixed(2)} GiB (${list}): the scheduler reserves nothing for the cache`];
  },

  spreadOverZones(objects) {
    const w = workload(objects);
    const keys = (w.pod.topologySpreadConstraints || []).map((c) => c.topologyKey);
    return ["topology.kubernetes.io/zone", "kubernetes.io/hostname"]
      .filter((key) => !keys.includes(key))
      .map((key) => `no topologySpreadConstraint over ${key}`);
  },

  // gRPC (and its probes) and the frontend's registry port on [::]; metrics
  // on a wildcard of either family (Debian's civetweb has no IPv6).
  listensDualStack(objects) {
    const w = workload(objects);
    const problems = [];
    const server = w.config.server?.listen_address ?? "[::]:50051";
    if (!server.startsWith("[::]:")) {
      problems.push(`server.listen_address ${server} is not [::]:PORT: probes fail on IPv6 clusters`);
    }
    const fe = frontend(w, objects);
    if (fe && !fe.flag("listen_address").startsWith("[::]:")) {
      problems.push(`the frontend's --listen_address ${fe.flag("listen_address")} is not [::]:PORT: ` +
        "nodes of an IPv6 cluster cannot pull");
    }
    const metrics = w.config.metrics?.listen_address ?? "0.0.0.0:9090";
    if (!w.config.metrics?.disabled && !/^(\[::\]|0\.0\.0\.0):\d+$/.test(metrics)) {
      problems.push(`metrics.listen_address ${metrics} is not a wildcard address`);
    }
    return problems;
  },

  // "tributary:0.1.0" means docker.io/library/tributary: some stranger's image.
  imageNamesARegistry(objects) {
    const w = workload(objects);
    return [...(w.pod.initContainers || []), ...w.pod.containers]
      .filter((c) => !/^[^/]*[.:][^/]*\//.test(c.image ?? ""))
      .map((c) => `${c.name}: image ${c.image} names no registry host: it resolves to Docker Hub`);
  },

  monitoringSelectedByRelease(objects) {
    return objects.filter((o) => ["ServiceMonitor", "PrometheusRule"].includes(o.kind) &&
      !o.metadata.labels?.release)
      .map((o) => `${describe(o)} has no release label: kube-prometheus-stack ignores it`);
  },
};

// The egress rules of the NetworkPolicies that select the workload's pods.
function egressRules(objects) {
  const w = workload(objects);
  const labels = w.deployment.spec.template.metadata.labels;
  return objects.filter((o) => o.kind === "NetworkPolicy" &&
    Object.entries(o.spec.podSelector.matchLabels || {}).every(([k, v]) => labels[k] === v))
    .flatMap((o) => o.spec.egress || []);
}

function allowsNodeLocalDns(objects) {
  return egressRules(objects).some((rule) =>
    (rule.to || []).some((peer) => peer.ipBlock?.cidr === kNodeLocalDns) &&
    ["UDP", "TCP"].every((protocol) => (rule.ports || []).some((p) => p.port === 53 && p.protocol === protocol)));
}

const renderable = renderableKustomizations();

test("each check names what a broken rendering gets wrong (negative control)", () => {
  const base = renderOrSkip(path.join(k8sRoot, "base"));
  const broken = [
    ["replicasOwnedByHpa", (d) => { d.spec.replicas = 2; }, "sets replicas: 2"],
    ["ephemeralStorageRequested", (d) => {
      delete d.spec.template.spec.containers[0].resources.requests["ephemeral-storage"];
    }, "the scheduler reserves nothing for the cache"],
    ["spreadOverZones", (d) => { d.spec.template.spec.topologySpreadConstraints.splice(0, 1); },
      "topology.kubernetes.io/zone"],
    ["imageNamesARegistry", (d) => { d.spec.template.spec.containers[0].image = "tributary:0.1.0"; },
      "resolves to Docker Hub"],
  ];
  for (const [name, breakIt, expected] of broken) {
    const objects = structuredClone(base);
    breakIt(objects.find((o) => o.kind === "Deployment"));
    const problems = checks[name](objects);
    check(problems.some((p) => p.includes(expected)), `${name} gave ${JSON.stringify(problems)}, expected "${expected}"`);
  }
  const ipv4 = structuredClone(base);
  const configMap = ipv4.find((o) => o.kind === "ConfigMap");
  const key = Object.keys(configMap.data)[0];
  configMap.data[key] = configMap.data[key].replace('"[::]:50051"', '"0.0.0.0:50051"');
  const problems = checks.listensDualStack(ipv4);
  check(problems.some((p) => p.includes("0.0.0.0:50051 is not [::]:PORT")), `listensDualStack gave ${JSON.stringify(problems)}`);
  const monitor = [{ kind: "ServiceMonitor", metadata: { name: "m", labels: {} } }];
  check(checks.monitoringSelectedByRelease(monitor).length === 1, "a ServiceMonitor without release passed");
});

test("the NodeLocal DNSCache component opens DNS to 169.254.20.10; the base alone does not", () => {
  const withComponent = renderable.find((k) => (k.spec.components || [])
    .some((c) => path.basename(c) === "nodelocal-dns"));
  check(withComponent, "no rendering uses components/nodelocal-dns");
  check(allowsNodeLocalDns(renderOrSkip(withComponent.dir)),
    `${withComponent.rel}: no egress rule to ${kNodeLocalDns} on 53/UDP and 53/TCP`);
  check(!allowsNodeLocalDns(renderOrSkip(path.join(k8sRoot, "base"))),
    "the base already allows NodeLocal DNS: the component would be pointless");
});

for (const k of renderable) {
  const rendered = lazyRendering(k.dir);
  const monitored = (k.spec.components || []).some((c) => path.basename(c) === "monitoring");
  const cases = [
    ["no replicas beside the HPA that owns the count", "replicasOwnedByHpa"],
    ["ephemeral-storage requested for every disk-backed emptyDir", "ephemeralStorageRequested"],
    ["pods spread over zones and nodes", "spreadOverZones"],
    ["the config listens dual-stack for gRPC and the frontend", "listensDualStack"],
    ["every image names a registry host", "imageNamesARegistry"],
    ...(monitored ? [["ServiceMonitor and PrometheusRule carry the release label", "monitoringSelectedByRelease"]] : []),
  ];
  for (const [title, name] of cases) {
    test(`${k.rel}: ${title}`, () => noProblems(checks[name](rendered()), title));
  }
}

await run("deploy_cluster_fit");
