// Validates Kubernetes manifests (one multi-document YAML file, e.g. the output of
// `kubectl kustomize k8s/`) against the Kubernetes API schemas, offline.
//
//   node validate.mjs rendered.yaml      (or the YAML on standard input)
//
// Two checks per object, both from the npm package kubernetes-models, which is generated
// from the Kubernetes OpenAPI spec:
//  1. schema: its JSON-schema validator (ajv, compiled from the OpenAPI definitions):
//     types, required fields, formats, enums;
//  2. unknown fields: the same definitions as TypeScript interfaces, checked by the
//     TypeScript compiler's excess-property check, which catches a misspelt field
//     (`readinesProbe`) that the schemas, open to additional properties, let through.
//     The API server would drop such a field or, with strict field validation, refuse it.
//
// Prints a JSON report on stdout: {"ok": bool, "objects": [{apiVersion, kind, name, errors}]}.
// Exit code: 0 all valid, 1 some object invalid, 2 the input could not be read or parsed.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import ts from "typescript";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function fail(message) {
  process.stdout.write(JSON.stringify({ ok: false, error: message, objects: [] }) + "\n");
  process.exit(2);
}

const source = process.argv[2] ? readFileSync(process.argv[2], "utf8") : readFileSync(0, "utf8");
const documents = YAML.parseAllDocuments(source);
const objects = [];
for (const doc of documents) {
  if (doc.errors.length > 0) fail("YAML: " + doc.errors.map((e) => e.message).join("; "));
  const value = doc.toJS();
  if (value !== null && value !== undefined) objects.push(value);
}
if (objects.length === 0) fail("no Kubernetes object in the input");

// "apps/v1" -> kubernetes-models/apps/v1/<Kind>; the core group "v1" -> kubernetes-models/v1/<Kind>
function modulePath(apiVersion, kind) {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

const report = [];
for (const object of objects) {
  const entry = {
    apiVersion: object?.apiVersion ?? null,
    kind: object?.kind ?? null,
    name: object?.metadata?.name ?? null,
    errors: [],
  };
  report.push(entry);
  if (typeof entry.apiVersion !== "string" || typeof entry.kind !== "string") {
    entry.errors.push("apiVersion and kind are required strings");
    continue;
  }
  let model;
  try {
    model = require(modulePath(entry.apiVersion, entry.kind))[entry.kind];
  } catch (e) {
    model = undefined;
  }
  if (typeof model !== "function") {
    // Never pass silently: an object we have no schema for is an error.
    entry.errors.push(`no schema for ${entry.apiVersion} ${entry.kind} in kubernetes-models`);
    continue;
  }
  entry.module = modulePath(entry.apiVersion, entry.kind);
  try {
    new model(object).validate();
  } catch (e) {
    const details = Array.isArray(e.errors)
      ? e.errors.map((x) => `schema: ${x.instancePath || "/"} ${x.message}${x.params ? " " + JSON.stringify(x.params) : ""}`)
      : [`schema: ${e.message}`];
    entry.errors.push(...details);
  }
}

// Unknown fields: one TypeScript file assigning each object literal to its API interface.
const checked = report.map((entry, i) => ({ entry, object: objects[i] })).filter(({ entry }) => entry.module);
if (checked.length > 0) {
  const lines = [];
  const ranges = []; // [start, end) line numbers (0-based) of each object's literal
  checked.forEach(({ entry }, i) => lines.push(`import type { I${entry.kind} as T${i} } from "${entry.module}";`));
  checked.forEach(({ entry, object }, i) => {
    const literal = `export const o${i}: T${i} = ${JSON.stringify(object, null, 2)};`.split("\n");
    ranges.push({ entry, start: lines.length, end: lines.length + literal.length });
    lines.push(...literal);
  });
  const fileName = path.join(here, "__rendered_manifests__.ts");
  const text = lines.join("\n") + "\n";
  const options = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2020,
    // "bundler" resolution reads the packages' "exports" maps, as Node does.
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2020.d.ts"],
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => (path.resolve(f) === fileName ? text : readFile(f));
  host.fileExists = (f) => path.resolve(f) === fileName || fileExists(f);
  host.getSourceFile = (f, lang, onError, create) =>
    path.resolve(f) === fileName ? ts.createSourceFile(f, text, lang, true) : getSourceFile(f, lang, onError, create);
  const program = ts.createProgram([fileName], options, host);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  for (const d of diagnostics) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, " ");
    if (!d.file || path.resolve(d.file.fileName) !== fileName) {
      fail(`type check setup: ${message}`);
    }
    const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    const owner = ranges.find((r) => line >= r.start && line < r.end);
    if (!owner) fail(`type check: ${message} (line ${line + 1})`);
    const property = d.file.text.slice(d.start, d.start + (d.length ?? 0));
    owner.entry.errors.push(`field: ${message}${property ? ` (at ${property})` : ""}`);
  }
}

const ok = report.every((entry) => entry.errors.length === 0);
for (const entry of report) delete entry.module;
process.stdout.write(JSON.stringify({ ok, objects: report }, null, 2) + "\n");
process.exit(ok ? 0 : 1);
