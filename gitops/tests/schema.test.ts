import { schemaErrors } from "./test-support/models";
import { find, kustomizationDirs, render } from "./test-support/render";
import { unknownFields } from "./test-support/strict-fields";

const dirs = kustomizationDirs();

describe("every Kustomization under gitops/", () => {
  it("includes the four overlays and the three cloud bootstraps", () => {
    expect(dirs).toEqual(
      expect.arrayContaining([
        "gitops/overlays/local",
        "gitops/overlays/dev",
        "gitops/overlays/staging",
        "gitops/overlays/production",
        "gitops/bootstrap/dev",
        "gitops/bootstrap/staging",
        "gitops/bootstrap/production",
        "gitops/platform/observability",
      ]),
    );
  });

  describe.each(dirs)("%s", (dir) => {
    it("renders and every object is valid against its Kubernetes or CRD schema", () => {
      const objects = render(dir);
      expect(objects.length).toBeGreaterThan(0);
      expect(schemaErrors(objects)).toEqual([]);
    });

    it("uses no field its schema does not declare", () => {
      expect(unknownFields(render(dir))).toEqual([]);
    });
  });
});

describe("the schema checks", () => {
  const local = () => render("gitops/overlays/local");

  it("catch a misspelt field", () => {
    const objects = local();
    const container = find(objects, "Deployment", "gateway").spec.template.spec.containers[0];
    container.readinesProbe = container.readinessProbe;
    delete container.readinessProbe;
    expect(unknownFields(objects)).toEqual([
      "Deployment/parley/gateway.spec.template.spec.containers[0].readinesProbe: unknown field",
    ]);
  });

  it("catch a misspelt field in a custom resource", () => {
    const objects = render("gitops/overlays/staging");
    find(objects, "ExternalSecret", "auth-database").spec.refreshIntervall = "5m";
    expect(unknownFields(objects)).toEqual([
      "ExternalSecret/parley/auth-database.spec.refreshIntervall: unknown field",
    ]);
  });

  it("catch a value of the wrong type", () => {
    const objects = local();
    find(objects, "HorizontalPodAutoscaler", "auth").spec.minReplicas = "one";
    expect(schemaErrors(objects)).toEqual([expect.stringContaining("HorizontalPodAutoscaler/parley/auth:")]);
  });

  it("catch a value of the wrong type in a custom resource", () => {
    const objects = render("gitops/bootstrap/staging");
    find(objects, "Application", "traefik").spec.syncPolicy.automated = { prune: "yes" };
    expect(schemaErrors(objects)).toEqual([expect.stringContaining("Application/argocd/traefik:")]);
  });

  it("catch a misspelt field and an invalid value in a custom resource checked against its vendored CRD", () => {
    const objects = render("gitops/overlays/production");
    const policy = find(objects, "SecurityGroupPolicy", "data-clients");
    policy.spec.securityGroups.groupIds = [];
    policy.spec.podSelector.matchLabel = policy.spec.podSelector.matchLabels;
    expect(schemaErrors(objects)).toEqual([
      "SecurityGroupPolicy/parley/data-clients: .spec.securityGroups.groupIds should NOT have fewer than 1 items",
    ]);
    expect(unknownFields(objects)).toEqual([
      "SecurityGroupPolicy/parley/data-clients.spec.podSelector.matchLabel: unknown field",
    ]);
  });

  it("reject a kind with no known schema", () => {
    const objects = [{ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } }];
    expect(schemaErrors(objects)).toEqual([expect.stringContaining("no schema for example.com/v1 Widget")]);
    expect(unknownFields(objects)).toEqual([expect.stringContaining("Widget/w: no model")]);
  });
});
