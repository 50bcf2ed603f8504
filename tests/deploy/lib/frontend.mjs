// Facts about the frontend container of a rendered Tributary workload
// (tributary-frontend, deploy/k8s/base/frontend.flags) that the checks compare
// with the Deployment, the Services and Tributary's config.

export const kFrontendContainer = "frontend";

// Flag defaults of client/frontend/main.cc that the checks read.
const kDefaults = {
  listen_address: "0.0.0.0:5000",
  tributary_address: "unix:///run/tributary/grpc.sock",
  metrics_listen_address: "",
  grpc_threads: "16",
  max_blob_downloads: "64",
  plain_http: "false",
};

// Abseil flag lines ("--name=value", "--name value" is not allowed in a
// flagfile; "--flag" alone is a true bool; "#" starts a comment) into a Map.
export function parseFlags(lines) {
  const flags = new Map();
  for (const raw of lines) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = line.match(/^--?([A-Za-z0-9_]+)(?:=(.*))?$/);
    if (!m) throw new Error(`not a flag line: "${line}"`);
    flags.set(m[1], m[2] ?? "true");
  }
  return flags;
}

function portOf(address) {
  const m = String(address).match(/:(\d+)$/);
  if (!m) throw new Error(`no port in listen address "${address}"`);
  return Number(m[1]);
}

// The frontend of workload `w` (lib/workload.mjs) in `objects`: {container,
// flagsPath, flags (the flagfile's, then the container's other args), flag(name),
// listenPort, metricsPort (null when off), plainHttp, tributaryAddress,
// maxBlobDownloads}; null
// when the pod has no frontend container.
export function frontend(w, objects) {
  const container = w.pod.containers.find((c) => c.name === kFrontendContainer);
  if (!container) return null;
  const args = container.args || [];
  const flagfileArg = args.find((a) => a.startsWith("--flagfile="));
  if (!flagfileArg) throw new Error(`container ${kFrontendContainer} args name no --flagfile=FILE: ${args}`);
  const flagsPath = flagfileArg.slice("--flagfile=".length);
  const mount = (container.volumeMounts || []).find((m) => flagsPath.startsWith(`${m.mountPath}/`));
  if (!mount) throw new Error(`--flagfile ${flagsPath} is on no volume mount of ${kFrontendContainer}`);
  const volume = w.pod.volumes.find((v) => v.name === mount.name);
  const configMap = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === volume?.configMap?.name);
  if (!configMap) throw new Error(`volume ${mount.name} is not a ConfigMap rendered alongside`);
  const text = configMap.data?.[flagsPath.slice(mount.mountPath.length + 1)];
  if (text === undefined) throw new Error(`ConfigMap ${configMap.metadata.name} has no key for ${flagsPath}`);
  const flags = parseFlags([...text.split("\n"), ...args.filter((a) => a !== flagfileArg)]);
  const flag = (name) => flags.get(name) ?? kDefaults[name];
  const metrics = flag("metrics_listen_address");
  return {
    container,
    flagsPath,
    flags,
    flag,
    listenPort: portOf(flag("listen_address")),
    metricsPort: metrics ? portOf(metrics) : null,
    plainHttp: flag("plain_http") === "true",
    tributaryAddress: flag("tributary_address"),
    maxBlobDownloads: Number(flag("max_blob_downloads")),
  };
}

// The path of a "unix:PATH" / "unix:///PATH" gRPC address, or null.
export function unixSocketPath(address) {
  const m = String(address).match(/^unix:(?:\/\/)?(\/.*)$/);
  return m ? m[1] : null;
}
