import { provisionVariables } from "@parley/config";
import { provisionConfigShape } from "@parley/provisioning";
import { configurationTable } from "@parley/test-support";
import { authConfigShape } from "../../services/auth/src/config";
import { gatewayConfigShape } from "../../services/gateway/src/config";
import { messagingConfigShape } from "../../services/messaging/src/config";
import { notificationConfigShape } from "../../services/notification/src/config";

const shapes = {
  auth: authConfigShape,
  gateway: gatewayConfigShape,
  messaging: messagingConfigShape,
  notification: notificationConfigShape,
};

/** Variable name → services, for the rows the services' own configuration reads. */
function documented(): Map<string, Set<string>> {
  return new Map(
    configurationTable()
      .filter((variable) => variable.readBy === "service")
      .map((variable) => [variable.name, new Set(variable.services)]),
  );
}

describe("the README's Configuration table", () => {
  it("when compared with each service's configuration schema, then it lists exactly the variables each one reads", () => {
    const table = documented();
    const problems: string[] = [];
    for (const [service, shape] of Object.entries(shapes)) {
      for (const name of Object.keys(shape)) {
        if (!table.get(name)?.has(service))
          problems.push(`${service} reads ${name}, which the table does not list for it`);
      }
      for (const [name, services] of table) {
        if (services.has(service) && !(name in shape))
          problems.push(`the table lists ${name} for ${service}, which does not read it`);
      }
    }
    expect(problems).toEqual([]);
    expect(table.size).toBeGreaterThan(20);
  });

  it("when compared with the provision command's schema, then it lists exactly the variables only that command reads", () => {
    const provisionOnly = configurationTable()
      .filter((variable) => variable.readBy === "provision")
      .map((variable) => variable.name)
      .sort();
    expect(provisionOnly).toEqual(Object.keys(provisionVariables).sort());
    const serviceRows = documented();
    for (const name of Object.keys(provisionConfigShape("auth")).filter((n) => !(n in provisionVariables)))
      expect([name, serviceRows.get(name)?.has("auth")]).toEqual([name, true]);
  });
});
