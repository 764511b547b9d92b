// The schema validators accept fields they do not know (they are generated without
// additionalProperties: false), so a misspelt `readinesProbe` would pass them silently. This check
// walks every object along its model's TypeScript type and reports each field the type does not
// declare. Maps (labels, annotations, ConfigMap data) and free-form fields (Helm values) are typed
// with index signatures or as empty objects, and are not looked into.
import path from "node:path";
import ts from "typescript";
import { crdUnknownFields, hasVendoredCrd } from "./crd-schemas";
import { modelOf } from "./models";
import { type K8sObject, objectId, repoRoot } from "./render";

interface Models {
  checker: ts.TypeChecker;
  typeOf: (apiVersion: string, kind: string) => ts.Type | undefined;
}

let models: Models | undefined;
/** Alias in the virtual module of each apiVersion/kind whose model exists; null when none does. */
const typeKeys = new Map<string, string | null>();
const key = (apiVersion: string, kind: string) => `${apiVersion}/${kind}`;

function load(kinds: { apiVersion: string; kind: string }[]): Models {
  const wanted = kinds.filter((k) => !typeKeys.has(key(k.apiVersion, k.kind)));
  if (models !== undefined && wanted.length === 0) return models;
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts"],
    types: [],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  };
  const host = ts.createCompilerHost(options);
  // One virtual module that imports every model type the objects need.
  const fileName = path.join(repoRoot, "gitops/tests/test-support/__models__.ts");
  for (const { apiVersion, kind } of wanted) {
    if (typeKeys.has(key(apiVersion, kind))) continue;
    const { module } = modelOf(apiVersion, kind);
    const found = ts.resolveModuleName(module, fileName, options, host).resolvedModule !== undefined;
    typeKeys.set(key(apiVersion, kind), found ? `T${typeKeys.size}` : null);
  }
  const text = [...typeKeys]
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .map(([k, alias]) => {
      const kind = k.slice(k.lastIndexOf("/") + 1);
      return `import type { I${kind} as ${alias} } from "${modelOf(k.slice(0, k.lastIndexOf("/")), kind).module}";\nexport type { ${alias} };`;
    })
    .join("\n");
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, languageVersion, ...rest) =>
    name === fileName
      ? ts.createSourceFile(name, text, languageVersion)
      : getSourceFile(name, languageVersion, ...rest);
  host.fileExists = (name) => name === fileName || fileExists(name);

  const program = ts.createProgram([fileName], options, host);
  const checker = program.getTypeChecker();
  const unresolved = program
    .getSemanticDiagnostics(program.getSourceFile(fileName))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  if (unresolved.length > 0) throw new Error(`model types not found:\n${unresolved.join("\n")}`);
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(fileName)!)!);
  models = {
    checker,
    typeOf: (apiVersion, kind) => {
      const alias = typeKeys.get(key(apiVersion, kind));
      const symbol = alias === null ? undefined : exports.find((e) => e.name === alias);
      return symbol === undefined
        ? undefined
        : checker.getDeclaredTypeOfSymbol(checker.getAliasedSymbol(symbol));
    },
  };
  return models;
}

function isFreeForm(checker: ts.TypeChecker, type: ts.Type): boolean {
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.NonPrimitive)) return true;
  return checker.getIndexInfosOfType(type).length > 0 || checker.getPropertiesOfType(type).length === 0;
}

function walk(checker: ts.TypeChecker, value: unknown, declared: ts.Type, at: string, problems: string[]) {
  if (value === null || typeof value !== "object") return;
  const type = checker.getNonNullableType(declared);
  const members = type.isUnion() ? type.types : [type];
  if (Array.isArray(value)) {
    const element = members
      .map((t) => checker.getIndexTypeOfType(t, ts.IndexKind.Number))
      .find((t) => t !== undefined);
    if (element !== undefined)
      value.forEach((item, i) => walk(checker, item, element, `${at}[${i}]`, problems));
    return;
  }
  const objects = members.filter((t) => t.flags & ts.TypeFlags.Object || t.flags & ts.TypeFlags.NonPrimitive);
  if (objects.length === 0 || objects.some((t) => isFreeForm(checker, t))) return;
  for (const [field, child] of Object.entries(value)) {
    const property = objects.map((t) => t.getProperty(field)).find((p) => p !== undefined);
    if (property === undefined) problems.push(`${at}.${field}: unknown field`);
    else walk(checker, child, checker.getTypeOfSymbol(property), `${at}.${field}`, problems);
  }
}

/** One message per field that the object's model does not declare, with its path. */
export function unknownFields(objects: K8sObject[]): string[] {
  const { checker, typeOf } = load(objects.filter((object) => !hasVendoredCrd(object)));
  const problems: string[] = [];
  for (const object of objects) {
    if (hasVendoredCrd(object)) {
      problems.push(...crdUnknownFields(object));
      continue;
    }
    const type = typeOf(object.apiVersion, object.kind);
    if (type === undefined)
      problems.push(`${objectId(object)}: no model for ${object.apiVersion} ${object.kind}`);
    else walk(checker, object, type, objectId(object), problems);
  }
  return problems;
}
