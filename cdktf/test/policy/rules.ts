import { baselineRules } from "./baseline-rules";
import { databaseRules } from "./database-rules";
import { environmentRules } from "./environment-rules";
import { kubernetesRules } from "./kubernetes-rules";
import { leastPrivilegeModuleRules, leastPrivilegeStackRules } from "./least-privilege-rules";
import { messagingRules } from "./messaging-rules";
import { networkRules } from "./network-rules";
import { type ModuleRule, type StackRule } from "./rule";

export const moduleRules: ModuleRule[] = [
  ...networkRules,
  ...databaseRules,
  ...kubernetesRules,
  ...messagingRules,
  ...baselineRules,
  ...leastPrivilegeModuleRules,
];

export const stackRules: StackRule[] = [...environmentRules, ...leastPrivilegeStackRules];
