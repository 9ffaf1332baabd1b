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

// local-exec provisioner blocks of a resource (command, environment, working_dir, interpreter).
export function localExecs(r) {
  const p = r.body.provisioner;
  const provisioners = Array.isArray(p) ? p : p ? [p] : [];
  return provisioners.flatMap((one) => one["local-exec"] ?? []);
}

// local-exec commands of a resource.
export function localExecCommands(r) {
  return localExecs(r).map((le) => le.command).filter(Boolean);
}

// Duration strings such as "10s" or "${var.x}s" (after interpolation) to seconds.
export function seconds(tf, value) {
  const s = interpolate(tf, value);
  const m = /^(\d+(?:\.\d+)?)s$/.exec(String(s));
  return m ? Number(m[1]) : NaN;
}

// Evaluates a string as Terraform would for the simple references a command is built from:
// "${var.x}" (given, else the default), "${local.x}", and attributes of resources ("${google_a.b.c}",
// "${data.google_a.b.c}"): given, else the attribute as configured (an input the API keeps). Any
// other expression (a function call, a computed attribute nobody gave) throws, naming it.
export function evaluate(tf, value, given = {}, depth = 0) {
  if (depth > 20) throw new Error(`references nest too deep at ${value}`);
  if (typeof value !== "string") throw new Error(`not a string: ${JSON.stringify(value)}`);
  return value.replace(/\$\{([^}]*)\}/g, (whole, ref) => {
    const text = (v) => evaluate(tf, String(v), given, depth + 1);
    if (given[ref] !== undefined) return String(given[ref]);
    let m = /^var\.([A-Za-z0-9_]+)$/.exec(ref);
    if (m && tf.variables[m[1]]?.default !== undefined) return text(tf.variables[m[1]].default);
    m = /^local\.([A-Za-z0-9_]+)$/.exec(ref);
    if (m && typeof tf.locals[m[1]] === "string") return text(tf.locals[m[1]]);
    m = /^(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)$/.exec(ref);
    if (m) {
      const pool = m[1] ? tf.data : tf.resources;
      const r = pool.find((x) => x.type === m[2] && x.name === m[3]);
      if (r && typeof r.body[m[4]] === "string") return text(r.body[m[4]]);
    }
    throw new Error(`cannot evaluate ${whole} offline: give it a realistic value`);
  });
}
