// Validates Kubernetes manifests (one multi-document YAML file, e.g. the output of
// `kubectl kustomize k8s/`) against the Kubernetes API schemas, offline.
//
//   node validate.mjs rendered.yaml      (or the YAML on standard input)
//
// Two checks per object, both from the npm package kubernetes-models, which is generated
// from the Kubernetes OpenAPI spec (KEDA's ScaledObject: @kubernetes-models/keda, from KEDA's CRDs):
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
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import ts from "typescript";

const here = path.dirname(fileURLToPath(import.meta.url));

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

// "apps/v1" -> kubernetes-models/apps/v1/<Kind>; the core group "v1" -> kubernetes-models/v1/<Kind>;
// KEDA's "keda.sh/v1alpha1" -> @kubernetes-models/keda/keda.sh/v1alpha1/<Kind> (generated from KEDA's
// CRDs by the same project; an ES module only, hence import() below rather than require)
function modulePath(apiVersion, kind) {
  if (apiVersion.startsWith("keda.sh/")) return `@kubernetes-models/keda/${apiVersion}/${kind}`;
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
    model = (await import(modulePath(entry.apiVersion, entry.kind)))[entry.kind];
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
  let text = lines.join("\n") + "\n";
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
  const libraries = new Map(); // the .d.ts files parsed once for all rounds
  const isOurs = (f) => path.resolve(f) === fileName;
  host.readFile = (f) => (isOurs(f) ? text : readFile(f));
  host.fileExists = (f) => isOurs(f) || fileExists(f);
  host.getSourceFile = (f, lang, onError, create) => {
    if (isOurs(f)) return ts.createSourceFile(f, text, lang, true);
    if (!libraries.has(f)) libraries.set(f, getSourceFile(f, lang, onError, create));
    return libraries.get(f);
  };

  const ownerOf = (d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, " ");
    if (!d.file || !isOurs(d.file.fileName)) fail(`type check setup: ${message}`);
    const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    const owner = ranges.find((r) => line >= r.start && line < r.end);
    if (!owner) fail(`type check: ${message} (line ${line + 1})`);
    const at = d.file.text.slice(d.start, d.start + (d.length ?? 0));
    return { owner, text: `field: ${message}${at ? ` (at ${at})` : ""}` };
  };
  const propertyAt = (sourceFile, position) => {
    let found;
    const visit = (node) => {
      if (node.getStart(sourceFile) <= position && position < node.getEnd()) {
        if (ts.isPropertyAssignment(node)) found = node;
        ts.forEachChild(node, visit);
      }
    };
    visit(sourceFile);
    return found;
  };

  // TypeScript reports one unknown property per object literal. So each round turns the
  // unknown properties it found into spreads (`...{"x": 1}`, which the check ignores) and
  // checks again, until a round finds none: every misspelt field is reported at once.
  const EXCESS_PROPERTY = new Set([2353, 2561]);
  let program;
  for (let round = 0; ; round++) {
    program = ts.createProgram([fileName], options, host, program);
    const diagnostics = ts.getPreEmitDiagnostics(program);
    const excess = diagnostics.filter((d) => EXCESS_PROPERTY.has(d.code) && d.file && isOurs(d.file.fileName));
    if (excess.length === 0 || round === 50) {
      for (const d of diagnostics) {
        const { owner, text: error } = ownerOf(d);
        owner.entry.errors.push(error);
      }
      break;
    }
    const sourceFile = program.getSourceFile(fileName);
    const edits = [];
    for (const d of excess) {
      const { owner, text: error } = ownerOf(d);
      owner.entry.errors.push(error);
      const property = propertyAt(sourceFile, d.start);
      if (!property) fail(`type check: no property at ${d.start} for: ${error}`);
      edits.push([property.getStart(sourceFile), property.getEnd()]);
    }
    edits.sort((a, b) => b[0] - a[0]);
    for (const [from, to] of edits) {
      text = text.slice(0, from) + "...{" + text.slice(from, to) + "}" + text.slice(to);
    }
  }
}

const ok = report.every((entry) => entry.errors.length === 0);
for (const entry of report) delete entry.module;
process.stdout.write(JSON.stringify({ ok, objects: report }, null, 2) + "\n");
process.exit(ok ? 0 : 1);
