// Facts about a rendered Tributary workload that the checks compare: the
// Deployment, its main container, the config it mounts and the config's ports.

import YAML from "./yaml.mjs";

export const kMainContainer = "tributary";

// A Kubernetes quantity in bytes: "10Gi" -> 10737418240, "300M" -> 3e8.
export function bytes(quantity) {
  const m = String(quantity ?? "").match(/^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/);
  if (!m) throw new Error(`cannot read quantity "${quantity}"`);
  const factor = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Number(m[1]) * (m[2] ? factor[m[2]] : 1);
}

// "256Mi" -> 256, "1Gi" -> 1024, "300M" -> 286.1.
export const mebibytes = (quantity) => bytes(quantity) / 2 ** 20;

// Seconds in a config duration such as "20s", "1m30s" or "250ms".
export function durationSeconds(text) {
  const units = { h: 3600, m: 60, s: 1, ms: 0.001 };
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let consumed = 0;
  let m;
  while ((m = re.exec(text)) !== null) {
    total += Number(m[1]) * units[m[2]];
    consumed += m[0].length;
  }
  if (consumed !== text.length) throw new Error(`not a duration: "${text}"`);
  return total;
}

function portOf(address, fallback) {
  const m = String(address ?? fallback).match(/:(\d+)$/);
  if (!m) throw new Error(`no port in listen address "${address}"`);
  return Number(m[1]);
}

export function selectorMatches(selector, labels) {
  return Object.entries(selector || {}).every(([k, v]) => labels?.[k] === v);
}

// The workload in `objects`: {deployment, pod, container, configMap, configPath,
// configText, config, grpcPort, grpcAddresses (server.listen_address and
// server.additional_listen_addresses), metricsPort, shutdownGrace,
// upstreamPorts}.
// Defaults are those of proto/tributary/v1/config.proto.
export function workload(objects) {
  const deployments = objects.filter((o) => o.kind === "Deployment");
  if (deployments.length !== 1) throw new Error(`expected 1 Deployment, found ${deployments.length}`);
  const deployment = deployments[0];
  const pod = deployment.spec.template.spec;
  const container = pod.containers.find((c) => c.name === kMainContainer);
  if (!container) throw new Error(`no container named ${kMainContainer}`);
  const args = container.args || [];
  const configPath = args[args.indexOf("--config") + 1];
  if (!args.includes("--config") || !configPath) throw new Error(`container args name no --config FILE: ${args}`);
  const mount = (container.volumeMounts || []).find((m) => configPath.startsWith(`${m.mountPath}/`));
  if (!mount) throw new Error(`--config ${configPath} is on no volume mount`);
  const volume = pod.volumes.find((v) => v.name === mount.name);
  const configMap = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === volume?.configMap?.name);
  if (!configMap) throw new Error(`volume ${mount.name} is not a ConfigMap rendered alongside`);
  const key = configPath.slice(mount.mountPath.length + 1);
  const configText = configMap.data?.[key];
  if (configText === undefined) throw new Error(`ConfigMap ${configMap.metadata.name} has no key ${key}`);
  const config = YAML.parse(configText) || {};
  const upstreamPorts = (config.upstreams || []).map((u) => {
    const url = new URL(u.url);
    return { name: u.name, port: Number(url.port || (url.protocol === "https:" ? 443 : 80)) };
  });
  return {
    deployment,
    pod,
    container,
    configMap,
    configPath,
    configText,
    config,
    grpcPort: portOf(config.server?.listen_address, "[::]:50051"),
    grpcAddresses: [config.server?.listen_address ?? "[::]:50051",
      ...(config.server?.additional_listen_addresses || [])],
    metricsPort: config.metrics?.disabled ? null : portOf(config.metrics?.listen_address, "0.0.0.0:9090"),
    shutdownGrace: durationSeconds(config.server?.shutdown_grace ?? "20s"),
    upstreamPorts,
  };
}

// The container port a Service/NetworkPolicy port (number or name) lands on.
export function resolvePort(container, port) {
  if (typeof port === "number") return port;
  const named = (container.ports || []).find((p) => p.name === port);
  return named ? named.containerPort : null;
}

// The same for a pod: the port named by any of its containers (names are
// unique within a pod).
export function resolvePodPort(pod, port) {
  if (typeof port === "number") return port;
  for (const container of pod.containers) {
    const found = resolvePort(container, port);
    if (found !== null) return found;
  }
  return null;
}
