// The services' gRPC targets (`*_GRPC_URL` in their ConfigMaps): the clients balance round-robin over
// every address a `dns:///` name resolves to, so each target must be a headless Service in front of
// the service the variable names.
import { selects, workloads } from "./policy";
import { type K8sObject, objectId } from "./render";

const TARGET = /^dns:\/\/\/([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local:(\d+)$/;

export function grpcTargets(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const config of objects.filter((o) => o.kind === "ConfigMap")) {
    for (const [key, value] of Object.entries<string>(config.data ?? {})) {
      const variable = /^([A-Z]+)_GRPC_URL$/.exec(key);
      if (!variable) continue;
      const where = `${objectId(config)} ${key}`;
      const match = TARGET.exec(value);
      if (!match) {
        problems.push(`${where}: ${value} is not dns:///<service>.<namespace>.svc.cluster.local:<port>`);
        continue;
      }
      const [, name, namespace, port] = match;
      const service = objects.find(
        (o) => o.kind === "Service" && o.metadata.name === name && o.metadata.namespace === namespace,
      );
      if (service === undefined) {
        problems.push(`${where}: no Service ${namespace}/${name}`);
        continue;
      }
      if (service.spec.clusterIP !== "None")
        problems.push(`${where}: Service ${name} is not headless, so one connection sticks to one pod`);
      if (!(service.spec.ports ?? []).some((p: { port: number }) => p.port === Number(port)))
        problems.push(`${where}: Service ${name} has no port ${port}`);
      const backends = workloads(objects, ["Deployment"])
        .filter(
          (w) => w.namespace === namespace && selects({ matchLabels: service.spec.selector }, w.podLabels),
        )
        .map((w) => w.podLabels["app.kubernetes.io/name"]);
      const wanted = variable[1]!.toLowerCase();
      if (backends.length !== 1 || backends[0] !== wanted)
        problems.push(`${where}: Service ${name} selects [${backends.join(", ")}], not ${wanted}`);
    }
  }
  return problems;
}
