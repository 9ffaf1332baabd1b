// Runs every command Terraform runs (its local-exec provisioners), with the arguments Terraform
// would pass, before a person's `terraform apply` does: the installed gcloud against a local
// stand-in of the Google APIs (CLOUDSDK_API_ENDPOINT_OVERRIDES_*, a throwaway CLOUDSDK_CONFIG, an
// access token from the environment), so an argument gcloud refuses fails here. Then the real Maven
// and Jib build both images as the build step does, to a tar instead of the registry (there is no
// registry here), and the functions image's own entrypoint serves a function.
//
// No traffic leaves the machine: every API these commands call is overridden (the stand-in records
// each call, and the tests check the list), and gcloud's metadata-server probe is off. Without
// gcloud the tests say so and are skipped.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { spawnSync, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { loadTerraform, resource, localExecs, evaluate, resolve } from "./lib/terraform.mjs";
import { startStandIn, notFound } from "./lib/api-standin.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = process.env.TF_POLICY_DIR ?? path.join(here, "..", "..", "terraform");
const repoRoot = path.join(here, "..", "..");
const tf = await loadTerraform(dir);

const gcloudMissing = spawnSync("gcloud", ["version"], { encoding: "utf8" }).status !== 0
  && "gcloud is not installed here: the commands Terraform runs cannot be checked (install google-cloud-cli)";

// What Terraform would know at apply time that this folder cannot compute offline.
const PROJECT = "videocall-test-4821";
const given = {
  "var.project_id": PROJECT,
  "local.gateway_source_hash": "0123456789abcdef",
  "local.functions_source_hash": "fedcba9876543210",
};
const TOKEN = "stand-in-token";

// One local-exec as Terraform would run it: interpreter, command, environment, working directory.
function terraformCommand(address) {
  const [type, name] = address.split(".");
  const [le] = localExecs(resource(tf, type, name));
  const environment = Object.fromEntries(Object.entries(le.environment ?? {}).map(([k, v]) => [k, evaluate(tf, v, given)]));
  return {
    interpreter: le.interpreter ?? ["/bin/sh", "-c"],
    command: evaluate(tf, le.command, given),
    environment,
    cwd: le.working_dir ? path.resolve(dir, evaluate(tf, le.working_dir, given)) : dir,
  };
}

let standIn;
let presentImages = new Set();
let sandbox;

before(async () => {
  if (gcloudMissing) return;
  standIn = await startStandIn([
    // Service Usage: services.generateServiceIdentity (v1beta1), a long-running operation, done.
    { method: "POST", path: /^\/v1beta1\/projects\/([^/]+)\/services\/([^/:]+):generateServiceIdentity$/,
      answer: (_, [, , service]) => [200, { name: "operations/standin.1", done: true, response: {
        "@type": "type.googleapis.com/google.api.serviceusage.v1beta1.ServiceIdentity",
        email: `service-123456789012@gcp-sa-${service.split(".")[0]}.iam.gserviceaccount.com`, uniqueId: "1" } }] },
    // Service Usage: services.get, which `artifacts docker images describe` asks of Container Analysis.
    { method: "GET", path: /^\/v1\/projects\/[^/]+\/services\/[^/]+$/,
      answer: (call) => [200, { name: call.path.slice(4), state: "DISABLED" }] },
    // Artifact Registry: repositories.get and packages.tags.get (an image exists if its tag does).
    { method: "GET", path: /^\/v1\/projects\/[^/]+\/locations\/[^/]+\/repositories\/[^/]+$/,
      answer: (call) => [200, { name: call.path.slice(4), format: "DOCKER", mode: "STANDARD_REPOSITORY" }] },
    { method: "GET", path: /^\/v1\/(projects\/[^/]+\/locations\/[^/]+\/repositories\/[^/]+\/packages\/([^/]+)\/tags\/([^/]+))$/,
      answer: (call, [, name, pkg, tag]) => presentImages.has(`${pkg}:${tag}`)
        ? [200, { name, version: `${name.split("/tags/")[0]}/versions/sha256:${"a".repeat(64)}` }]
        : [404, notFound(call.path)] },
  ]);
  sandbox = fs.mkdtempSync(path.join(os.tmpdir(), "tf-commands-"));
  fs.mkdirSync(path.join(sandbox, "config"));
  fs.mkdirSync(path.join(sandbox, "bin"));
  // Stands in for Maven in the build step's own runs: records its arguments, one per line.
  fs.writeFileSync(path.join(sandbox, "bin", "mvn"), `#!/bin/sh\nprintf '%s\\n' "$@" > "${sandbox}/mvn-args"\n`, { mode: 0o755 });
});

after(async () => {
  await standIn?.close();
  if (sandbox) fs.rmSync(sandbox, { recursive: true, force: true });
});

function gcloudEnv(extra = {}) {
  const apis = Object.fromEntries(["SERVICEUSAGE", "ARTIFACTREGISTRY", "RUN", "PUBSUB", "STORAGE", "IAM",
    "CLOUDRESOURCEMANAGER", "CONTAINERANALYSIS"].map((api) => [`CLOUDSDK_API_ENDPOINT_OVERRIDES_${api}`, standIn.url]));
  return {
    ...process.env,
    ...apis,
    CLOUDSDK_CONFIG: path.join(sandbox, "config"),
    CLOUDSDK_AUTH_ACCESS_TOKEN: TOKEN,
    CLOUDSDK_CORE_DISABLE_PROMPTS: "1",
    CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: "true",
    CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: "true",
    // No probe of a metadata server: this is not a Google Cloud machine.
    CLOUDSDK_CORE_CHECK_GCE_METADATA: "false",
    ...extra,
  };
}

// Asynchronous: the stand-in answers from this same process, so the event loop must keep running.
function run(cmd, env) {
  const [shell, ...flags] = cmd.interpreter;
  const child = spawn(shell, [...flags, cmd.command], { cwd: cmd.cwd, env: { ...env, ...cmd.environment } });
  const out = { stdout: "", stderr: "" };
  child.stdout.on("data", (d) => { out.stdout += d; });
  child.stderr.on("data", (d) => { out.stderr += d; });
  const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  return new Promise((resolve) => child.on("close", (status) => { clearTimeout(timer); resolve({ ...out, status }); }));
}

const called = (method, pattern) => standIn.requests.filter((r) => r.method === method && pattern.test(r.path));

test("the Pub/Sub service agent is asked for as Terraform asks, and gcloud accepts the arguments", { skip: gcloudMissing }, async () => {
  standIn.requests.length = 0;
  const cmd = terraformCommand("terraform_data.pubsub_service_agent");
  const res = await run(cmd, gcloudEnv());
  assert.equal(res.status, 0, `gcloud refused or failed: ${cmd.command}\n${res.stderr}`);
  const calls = called("POST", /:generateServiceIdentity$/);
  assert.deepEqual(calls.map((c) => c.path), [`/v1beta1/projects/${PROJECT}/services/pubsub.googleapis.com:generateServiceIdentity`]);
  assert.equal(calls[0].authorization, `Bearer ${TOKEN}`);
});

test("the build asks the repository for both images and runs nothing when both are there", { skip: gcloudMissing }, async () => {
  standIn.requests.length = 0;
  fs.rmSync(path.join(sandbox, "mvn-args"), { force: true });
  const cmd = terraformCommand("terraform_data.build");
  presentImages = new Set(["gateway:0123456789abcdef", "functions:fedcba9876543210"]);
  const res = await run(cmd, gcloudEnv({ PATH: `${path.join(sandbox, "bin")}:${process.env.PATH}` }));
  assert.equal(res.status, 0, res.stdout + res.stderr);
  const tags = called("GET", /\/tags\//).map((c) => c.path);
  assert.deepEqual(tags.sort(), [
    `/v1/projects/${PROJECT}/locations/europe-west1/repositories/videocall-images/packages/functions/tags/fedcba9876543210`,
    `/v1/projects/${PROJECT}/locations/europe-west1/repositories/videocall-images/packages/gateway/tags/0123456789abcdef`,
  ]);
  assert.ok(!fs.existsSync(path.join(sandbox, "mvn-args")), "Maven ran although both images exist");
  assert.match(res.stdout, /gateway image missing=no, functions image missing=no/);
});

let recordedMavenArgs;

test("the build builds and pushes only the missing image, with gcloud's credential helper", { skip: gcloudMissing }, async () => {
  fs.rmSync(path.join(sandbox, "mvn-args"), { force: true });
  const cmd = terraformCommand("terraform_data.build");
  presentImages = new Set(["gateway:0123456789abcdef"]);
  const res = await run(cmd, gcloudEnv({ PATH: `${path.join(sandbox, "bin")}:${process.env.PATH}` }));
  assert.equal(res.status, 0, res.stdout + res.stderr);
  recordedMavenArgs = fs.readFileSync(path.join(sandbox, "mvn-args"), "utf8").trimEnd().split("\n");
  const args = recordedMavenArgs;
  assert.ok(args.includes(`-Dvideocall.functions.image=${cmd.environment.FUNCTIONS_IMAGE}`), args.join(" "));
  assert.ok(args.includes("-Dvideocall.functions.image.skip=false"), "the missing functions image must be built");
  assert.ok(args.includes("-Dvideocall.gateway.image.skip=true"), "the gateway image exists and must not be pushed again");
  assert.ok(args.includes("-Djib.to.credHelper=gcloud"));

  // Jib asks the credential helper for the registry's host; the helper answers from gcloud's login.
  const host = cmd.environment.FUNCTIONS_IMAGE.split("/")[0];
  const helper = spawnSync("docker-credential-gcloud", ["get"], { input: host, env: gcloudEnv(), encoding: "utf8" });
  assert.equal(helper.status, 0, helper.stderr);
  assert.equal(JSON.parse(helper.stdout).Secret, TOKEN);
});

// Builds the images as the build step would (its own Maven arguments), into tars, on an empty base
// image: what goes into each image, and how it starts, without a registry.
function buildImageTars() {
  const args = recordedMavenArgs.map((a) => a
    .replace(/^(com\.google\.cloud\.tools:jib-maven-plugin:[^:]+):build$/, "$1:buildTar")
    .replace(/^-Djib\.from\.image=.*/, "-Djib.from.image=scratch")
    .replace(/^(-Dvideocall\.\w+\.image\.skip)=.*/, "$1=false"));
  const javaHome = spawnSync(path.join(repoRoot, "scripts", "java-home"), { encoding: "utf8" }).stdout.trim();
  const res = spawnSync("mvn", args, {
    cwd: repoRoot, encoding: "utf8", timeout: 600_000,
    env: { ...process.env, JAVA_HOME: javaHome, PATH: `${javaHome}/bin:${process.env.PATH}`,
      MAVEN_OPTS: `${process.env.MAVEN_OPTS ?? ""} --sun-misc-unsafe-memory-access=allow`.trim() },
  });
  assert.equal(res.status, 0, `mvn ${args.join(" ")}\n${res.stdout}${res.stderr}`);
  return javaHome;
}

function unpackImage(tar) {
  const out = fs.mkdtempSync(path.join(sandbox, "image-"));
  assert.equal(spawnSync("tar", ["-xf", tar, "-C", out]).status, 0);
  const [manifest] = JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8"));
  const config = JSON.parse(fs.readFileSync(path.join(out, manifest.Config), "utf8")).config;
  const root = path.join(out, "root");
  fs.mkdirSync(root);
  for (const layer of manifest.Layers) assert.equal(spawnSync("tar", ["-xzf", path.join(out, layer), "-C", root]).status, 0);
  return { tags: manifest.RepoTags, config, root };
}

async function freePort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

test("both images build from the build step's arguments, and the functions image serves CreateCall", {
  skip: gcloudMissing || (process.env.TF_COMMANDS_SKIP_MAVEN && "TF_COMMANDS_SKIP_MAVEN is set"), timeout: 600_000,
}, async () => {
  assert.ok(recordedMavenArgs, "the build step's Maven arguments were not recorded");
  const javaHome = buildImageTars();
  const cmd = terraformCommand("terraform_data.build");

  const gatewayImage = unpackImage(path.join(repoRoot, "gateway-gcp", "target", "jib-image.tar"));
  assert.deepEqual(gatewayImage.tags, [cmd.environment.GATEWAY_IMAGE]);
  assert.ok(gatewayImage.config.Entrypoint.includes("dev.videocall.gateway.gcp.GatewayMain"), gatewayImage.config.Entrypoint.join(" "));

  const image = unpackImage(path.join(repoRoot, "functions", "target", "jib-image.tar"));
  assert.deepEqual(image.tags, [cmd.environment.FUNCTIONS_IMAGE]);
  const [java, ...entrypoint] = image.config.Entrypoint;
  assert.equal(java, "java");
  // The image's paths, under the folder it was unpacked into.
  const args = entrypoint.map((a) => a.split(":").map((p) => (p.startsWith("/") ? path.join(image.root, p) : p)).join(":"));
  const createCall = resolve(tf, resource(tf, "google_cloud_run_v2_service", "function").body.for_each)["create-call"];
  const port = await freePort();
  const child = spawn(path.join(javaHome, "bin", "java"), args, {
    env: { ...process.env, PORT: String(port), FUNCTION_TARGET: createCall.entry_point, GOOGLE_CLOUD_PROJECT: PROJECT,
      OWNER_KEY: "x".repeat(43), INVITE_SIGNING_KEYS: `k1:${Buffer.alloc(32, 7).toString("base64")}`,
      PUBLIC_BASE_URL: "https://videocall-gateway-123456789012.europe-west1.run.app" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (d) => { log += d; });
  child.stderr.on("data", (d) => { log += d; });
  try {
    let answer;
    for (let i = 0; i < 120 && !answer; i++) {
      await new Promise((r) => setTimeout(r, 250));
      answer = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ users: ["alice", "bob"] }) }).catch(() => undefined);
    }
    assert.ok(answer, `the functions image's entrypoint never served CreateCall:\n${log}`);
    assert.equal(answer.status, 401, log);
    assert.equal((await answer.json()).error.code, "owner-key-required");
  } finally {
    child.kill("SIGKILL");
  }
});
