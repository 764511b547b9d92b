// The custom resources the repository renders, checked against the CRDs of the operator releases the
// pinned charts install (gitops/vendor/crds/, sources in gitops/vendor/sources.yaml), strictly: a
// field the CRD does not declare fails as it would with the API server's strict field validation.
import { existsSync } from "node:fs";
import path from "node:path";
import {
  checkCustomResource,
  groupOf,
  strictSchema,
  VENDOR_DIR,
  vendoredCrdFor,
  vendoredCrds,
} from "./test-support/crds";
import { schemaErrors } from "./test-support/models";
import { find, kustomizationDirs, objectId, render, repoRoot } from "./test-support/render";
import { unknownFields } from "./test-support/strict-fields";
import { vendorSources } from "./test-support/vendor";

const dirs = kustomizationDirs();
const sources = vendorSources();
const crdGroupsOfCharts = new Set(Object.values(sources.charts).flatMap((chart) => chart.crds ?? []));
const rendered = dirs.flatMap((dir) => render(dir).map((object) => ({ dir, object })));
const customResources = rendered.filter(({ object }) => crdGroupsOfCharts.has(groupOf(object.apiVersion)));
const kindKey = (o: { apiVersion: string; kind: string }) => `${groupOf(o.apiVersion)}/${o.kind}`;

describe("the vendored CRDs", () => {
  it("cover every custom resource kind the repository renders, but those listed as not vendored yet", () => {
    const missing = [
      ...new Set(
        customResources
          .map(({ object }) => object)
          .filter((o) => !vendoredCrdFor(o.apiVersion, o.kind))
          .map(kindKey),
      ),
    ];
    expect(missing.sort()).toEqual([...sources.notVendored].sort());
  });

  it("serve the apiVersion of every custom resource checked against them", () => {
    const unserved = customResources.flatMap(({ object }) => {
      const crd = vendoredCrdFor(object.apiVersion, object.kind);
      const version = object.apiVersion.split("/")[1];
      return crd && !crd.versions.some((v) => v.name === version && v.served)
        ? [`${objectId(object)}: ${object.apiVersion}`]
        : [];
    });
    expect(unserved).toEqual([]);
  });

  it("each belong to a pinned chart and have their source recorded", () => {
    const problems = vendoredCrds().flatMap((crd) => {
      const file = path.relative(VENDOR_DIR, crd.file);
      return [
        ...(crdGroupsOfCharts.has(crd.group)
          ? []
          : [`${crd.file}: no chart in sources.yaml installs ${crd.group}`]),
        ...(sources.files[file] ? [] : [`${crd.file}: no entry in sources.yaml files`]),
      ];
    });
    expect(problems).toEqual([]);
  });

  it("list in sources.yaml only files that exist", () => {
    const absent = Object.keys(sources.files).filter(
      (file) => !existsSync(path.join(repoRoot, VENDOR_DIR, file)),
    );
    expect(absent).toEqual([]);
  });
});

describe.each(dirs)("the custom resources %s renders", (dir) => {
  const objects = render(dir).filter((o) => vendoredCrdFor(o.apiVersion, o.kind));

  it("are valid against their vendored CRD, with no field it does not declare", () => {
    const problems = objects.flatMap((object) => {
      const { unchecked, unknownFields: fields, errors } = checkCustomResource(object);
      return [
        ...(unchecked ? [`${objectId(object)}: ${unchecked}`] : []),
        ...fields.map((field) => `${objectId(object)}${field}: unknown field`),
        ...errors.map((error) => `${objectId(object)}${error}`),
      ];
    });
    expect(problems).toEqual([]);
  });
});

describe("the CRD check", () => {
  const serviceMonitor = () => find(render("gitops/overlays/local"), "ServiceMonitor", "auth");

  it("catches a misspelt field, at any depth", () => {
    const monitor = serviceMonitor();
    monitor.spec.endpoints[0].intervall = monitor.spec.endpoints[0].interval;
    delete monitor.spec.endpoints[0].interval;
    expect(checkCustomResource(monitor).unknownFields).toEqual([".spec.endpoints[0].intervall"]);
    expect(unknownFields([monitor])).toEqual([
      "ServiceMonitor/parley/auth.spec.endpoints[0].intervall: unknown field",
    ]);
  });

  it("catches a field in metadata that ObjectMeta does not have", () => {
    const monitor = serviceMonitor();
    (monitor.metadata as Record<string, unknown>).label = { app: "auth" };
    expect(checkCustomResource(monitor).unknownFields).toEqual([".metadata.label"]);
  });

  it("catches a value of the wrong type, and one that breaks a pattern or an enum", () => {
    const monitor = serviceMonitor();
    monitor.spec.endpoints[0].honorLabels = "yes";
    monitor.spec.endpoints[0].scheme = "ftp";
    monitor.spec.endpoints[0].interval = "30 seconds";
    const [error, ...more] = schemaErrors([monitor]);
    expect(more).toEqual([]);
    expect(error).toMatch(/^ServiceMonitor\/parley\/auth: /);
    expect(error).toContain(".spec.endpoints[0].honorLabels should be boolean");
    expect(error).toContain(".spec.endpoints[0].scheme should be equal to one of the allowed values");
    expect(error).toContain(".spec.endpoints[0].interval should match pattern");
  });

  it("catches a missing required field", () => {
    const monitor = serviceMonitor();
    delete monitor.spec.selector;
    expect(checkCustomResource(monitor).errors).toEqual([".spec should have required property 'selector'"]);
  });

  it("accepts an integer or a string where the CRD says x-kubernetes-int-or-string", () => {
    const monitor = serviceMonitor();
    delete monitor.spec.endpoints[0].port;
    for (const targetPort of [9464, "admin"]) {
      monitor.spec.endpoints[0].targetPort = targetPort;
      expect(checkCustomResource(monitor)).toEqual({ unknownFields: [], errors: [] });
    }
    monitor.spec.endpoints[0].targetPort = true;
    expect(checkCustomResource(monitor).errors).not.toEqual([]);
  });

  it("leaves alone the fields under x-kubernetes-preserve-unknown-fields, and honours embedded resources", () => {
    const schema = strictSchema({
      type: "object",
      properties: {
        free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        closed: { type: "object", properties: { a: { type: "string" } } },
        embedded: {
          type: "object",
          "x-kubernetes-embedded-resource": true,
          "x-kubernetes-preserve-unknown-fields": true,
        },
      },
    }) as { properties: Record<string, Record<string, unknown>> };
    expect(schema.properties.free!.additionalProperties).toBeUndefined();
    expect(schema.properties.closed!.additionalProperties).toBe(false);
    expect(schema.properties.embedded!.required).toEqual(["apiVersion", "kind"]);
    expect(schema.properties.metadata!.additionalProperties).toBe(false);
  });

  it("refuses a version the vendored CRD does not serve", () => {
    const monitor = { ...serviceMonitor(), apiVersion: "monitoring.coreos.com/v1beta1" };
    expect(checkCustomResource(monitor).unchecked).toMatch(/does not serve monitoring.coreos.com\/v1beta1/);
  });
});
