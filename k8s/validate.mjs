// Validates rendered manifests offline: `kubectl kustomize k8s/overlays/production | node k8s/validate.mjs`
// (or the rendered file as an argument).
// Every object is checked against the Kubernetes schemas of kubernetes-models (types, required fields,
// formats; the Prometheus Operator's for ServiceMonitor and PrometheusRule), and, as kubeconform -strict
// would, no field may be one the schema does not know (a misspelt probe is otherwise silently ignored).
// Prints one line per object and exits non-zero when any is invalid.
import { readFileSync, writeFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const modules = {
  "v1": "kubernetes-models/v1",
  "apps/v1": "kubernetes-models/apps/v1",
  "batch/v1": "kubernetes-models/batch/v1",
  "policy/v1": "kubernetes-models/policy/v1",
  "autoscaling/v2": "kubernetes-models/autoscaling/v2",
  "networking.k8s.io/v1": "kubernetes-models/networking.k8s.io/v1",
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
};

// The object as the validator sees it, noting every field the validator reads: a field it never reads is
// one its schema does not have. Maps (labels, data) are read key by key, so their keys all count as known.
function watched(value, path, fields) {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item, i) => watched(item, `${path}[${i}]`, fields));
  const read = new Set();
  fields.push({ path, keys: Object.keys(value), read });
  const copy = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, watched(v, `${path}.${k}`, fields)]));
  return new Proxy(copy, {
    get(target, property, receiver) {
      if (typeof property === "string") read.add(property);
      return Reflect.get(target, property, receiver);
    },
    ownKeys(target) {
      Object.keys(target).forEach((k) => read.add(k));
      return Reflect.ownKeys(target);
    },
  });
}

// The rendered YAML: the file named as the argument, or standard input. With --json FILE, the objects are
// also written there as one JSON array, for programs that read JSON and not YAML (the tests).
const args = process.argv.slice(2);
const jsonAt = args.indexOf("--json");
const jsonPath = jsonAt >= 0 ? args.splice(jsonAt, 2)[1] : null;
const chunks = [];
if (args[0]) chunks.push(readFileSync(args[0]));
else for await (const chunk of process.stdin) chunks.push(chunk);
const objects = [];
const documents = parseAllDocuments(Buffer.concat(chunks).toString("utf8"));
let invalid = 0;
let count = 0;
for (const document of documents) {
  if (document.errors.length > 0) {
    console.log(`invalid YAML: ${document.errors.map((e) => e.message).join("; ")}`);
    invalid++;
    continue;
  }

  const object = document.toJS();
  if (object === null) continue;
  objects.push(document.toJS());

  // kustomize wraps long base64 values over lines; the API server's decoder skips the line breaks.
  if (object.kind === "Secret" && object.data) {
    for (const key of Object.keys(object.data)) object.data[key] = String(object.data[key]).replace(/\s+/g, "");
  }

  count++;
  const name = `${object.kind}/${object.metadata?.name}`;
  const base = modules[object.apiVersion];
  if (!base) {
    console.log(`invalid ${name}: no schema for apiVersion ${object.apiVersion}`);
    invalid++;
    continue;
  }

  let model;
  try {
    model = (await import(`${base}/${object.kind}`))[object.kind];
  } catch {
    console.log(`invalid ${name}: no schema for kind ${object.kind} in ${object.apiVersion}`);
    invalid++;
    continue;
  }

  const problems = [];
  const fields = [];
  try {
    model.prototype.validate.call(watched(object, "", fields));
  } catch (error) {
    problems.push(error.message);
  }

  // Fields the schema does not know, each once: not the fields inside them.
  const unknown = fields.flatMap(({ path, keys, read }) => keys.filter((key) => !read.has(key)).map((key) => `${path}.${key}`));
  for (const path of unknown) {
    if (!unknown.some((outer) => path.startsWith(`${outer}.`) || path.startsWith(`${outer}[`))) problems.push(`${path} is not a field of the schema`);
  }

  if (problems.length > 0) {
    console.log(`invalid ${name}: ${problems.join("; ")}`);
    invalid++;
  } else {
    console.log(`valid ${name}`);
  }
}

if (jsonPath) writeFileSync(jsonPath, JSON.stringify(objects));
console.log(`${count} objects, ${invalid} invalid`);
process.exit(invalid > 0 || count === 0 ? 1 : 0);
