// Child process of models.ts: reads [{ module, kind, object }] as JSON on stdin, validates each
// object with the model class `kind` exported by `module`, and writes one error message (or null)
// per object as JSON on stdout.
import process from "node:process";
import { text } from "node:stream/consumers";

const inputs = JSON.parse(await text(process.stdin));
const modules = new Map();

async function modelClass(module, kind) {
  if (!modules.has(module)) modules.set(module, await import(module).catch(() => null));
  return modules.get(module)?.[kind];
}

const results = [];
for (const { module, kind, object } of inputs) {
  const Model = await modelClass(module, kind);
  if (Model === undefined) {
    results.push(`no schema for ${object.apiVersion} ${object.kind} (looked in ${module})`);
    continue;
  }
  try {
    new Model(object).validate();
    results.push(null);
  } catch (error) {
    results.push(error.message);
  }
}
process.stdout.write(JSON.stringify(results));
