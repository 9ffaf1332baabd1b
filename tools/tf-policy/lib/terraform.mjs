// Loads every *.tf file of one folder with @cdktf/hcl2json and offers the few lookups the policy
// tests need. Expressions stay strings ("${var.x}"); resolve() follows plain references to
// variables' defaults and to locals, which is all the policy values need.
import fs from "node:fs";
import path from "node:path";
import hcl2json from "@cdktf/hcl2json";

const parse = hcl2json.parse ?? hcl2json.default?.parse;

export async function loadTerraform(dir) {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".tf")).sort();
  if (files.length === 0) throw new Error(`no *.tf files in ${dir}`);
  const tf = { dir, resources: [], data: [], locals: {}, variables: {}, text: {} };
  for (const file of files) {
    const text = fs.readFileSync(path.join(dir, file), "utf8");
    tf.text[file] = text;
    const json = await parse(file, text);
    for (const [type, byName] of Object.entries(json.resource ?? {})) {
      for (const [name, bodies] of Object.entries(byName)) {
        for (const body of bodies) tf.resources.push({ type, name, body, file, address: `${type}.${name}` });
      }
    }
    for (const [type, byName] of Object.entries(json.data ?? {})) {
      for (const [name, bodies] of Object.entries(byName)) {
        for (const body of bodies) tf.data.push({ type, name, body, file });
      }
    }
    for (const block of json.locals ?? []) Object.assign(tf.locals, block);
    for (const [name, bodies] of Object.entries(json.variable ?? {})) tf.variables[name] = bodies[0];
  }
  return tf;
}

export function resources(tf, type) {
  return tf.resources.filter((r) => r.type === type);
}

export function resource(tf, type, name) {
  return tf.resources.find((r) => r.type === type && r.name === name);
}

// First element of a nested block list, or the value itself.
export function block(value) {
  return Array.isArray(value) ? value[0] : value;
}

const WHOLE_REF = /^\$\{(var|local)\.([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_-]+)*)\}$/;

// Follows "${var.x}" (to its default) and "${local.x.y}" (through the locals) until it reaches a
// value that is not a plain reference. Anything else is returned unchanged.
export function resolve(tf, value, depth = 0) {
  if (depth > 20 || typeof value !== "string") return value;
  const m = WHOLE_REF.exec(value);
  if (!m) return value;
  const [, kind, name, rest] = m;
  let v = kind === "var" ? tf.variables[name]?.default : tf.locals[name];
  for (const key of rest.split(".").filter(Boolean)) {
    v = resolve(tf, v, depth + 1);
    v = v?.[key];
  }
  return resolve(tf, v, depth + 1);
}

// Substitutes "${var.x}" and "${local.x}" inside a template string where they resolve to scalars.
export function interpolate(tf, value) {
  if (typeof value !== "string") return value;
  return value.replace(/\$\{(var|local)\.([A-Za-z0-9_]+)\}/g, (whole) => {
    const v = resolve(tf, whole);
    return typeof v === "string" || typeof v === "number" ? String(v) : whole;
  });
}

// Every string anywhere inside a value, with the path that leads to it.
export function* strings(value, at = "") {
  if (typeof value === "string") yield [at, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${at}[${i}]`);
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) yield* strings(v, at ? `${at}.${k}` : k);
}

// "depends_on" entries of a resource, as addresses ("time_sleep.iam_propagation").
export function dependsOn(r) {
  return (r.body.depends_on ?? []).map((d) => d.replace(/^\$\{|\}$/g, ""));
}

// local-exec commands of a resource.
export function localExecCommands(r) {
  const p = r.body.provisioner;
  const provisioners = Array.isArray(p) ? p : p ? [p] : [];
  const out = [];
  for (const one of provisioners) for (const le of one["local-exec"] ?? []) if (le.command) out.push(le.command);
  return out;
}

// Duration strings such as "10s" or "${var.x}s" (after interpolation) to seconds.
export function seconds(tf, value) {
  const s = interpolate(tf, value);
  const m = /^(\d+(?:\.\d+)?)s$/.exec(String(s));
  return m ? Number(m[1]) : NaN;
}
