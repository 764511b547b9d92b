// The package.json files an image's `npm ci --omit=dev --workspace <service>` needs: the service's
// and those of the workspaces it depends on in production, transitively, and no other. Run inside
// app/Dockerfile (plain node, no dependencies). npm's workspace filter alone still installs
// production dependencies of unrelated workspaces (test-support's, for one), which the image would
// carry and its SBOM would not list.
//   node app/containers/workspace-closure.js <root> app/services/<name> <output folder>
const fs = require("node:fs");
const path = require("node:path");

/** Workspace folders (relative to `root`) that `start` needs, itself included, sorted. */
function workspaceClosure(root, start) {
  const byName = new Map();
  for (const group of fs.readdirSync(path.join(root, "app"), { withFileTypes: true })) {
    if (!group.isDirectory()) continue;
    const folders = [`app/${group.name}`];
    for (const entry of fs.readdirSync(path.join(root, "app", group.name), { withFileTypes: true }))
      if (entry.isDirectory()) folders.push(`app/${group.name}/${entry.name}`);
    for (const folder of folders) {
      const file = path.join(root, folder, "package.json");
      if (fs.existsSync(file)) byName.set(JSON.parse(fs.readFileSync(file, "utf8")).name, folder);
    }
  }
  const needed = new Set();
  const visit = (folder) => {
    if (needed.has(folder)) return;
    needed.add(folder);
    const { dependencies = {} } = JSON.parse(
      fs.readFileSync(path.join(root, folder, "package.json"), "utf8"),
    );
    for (const name of Object.keys(dependencies)) if (byName.has(name)) visit(byName.get(name));
  };
  if (!fs.existsSync(path.join(root, start, "package.json"))) throw new Error(`${start} is not a workspace`);
  visit(start);
  return [...needed].sort();
}

module.exports = { workspaceClosure };

if (require.main === module) {
  const [root, start, output] = process.argv.slice(2);
  for (const folder of workspaceClosure(root, start)) {
    fs.mkdirSync(path.join(output, folder), { recursive: true });
    fs.copyFileSync(path.join(root, folder, "package.json"), path.join(output, folder, "package.json"));
  }
}
