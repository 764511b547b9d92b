// Every dashboard, with the file name it is written to under observability/dashboards/.
import { collector } from "./collector";
import { type Json } from "./grafana";
import { overview } from "./overview";
import { pipeline } from "./pipeline";
import { postgresql } from "./postgresql";
import { rabbitmq } from "./rabbitmq";
import { SERVICES, service } from "./service";
import { slos } from "./slos";

export function dashboards(): { file: string; dashboard: Json }[] {
  return [
    { file: "overview.json", dashboard: overview() },
    { file: "pipeline.json", dashboard: pipeline() },
    ...SERVICES.map((name) => ({ file: `service-${name}.json`, dashboard: service(name) })),
    { file: "rabbitmq.json", dashboard: rabbitmq() },
    { file: "postgresql.json", dashboard: postgresql() },
    { file: "slos.json", dashboard: slos() },
    { file: "collector.json", dashboard: collector() },
  ];
}
