// Policy checks of terraform/*.tf, offline. Each test guards one finding of issue 10 ("The cloud
// stack stands up on the first terraform apply"), of issue 12 (only the owner creates calls), of
// issue 11 (cost) or of issue 23 (the first apply succeeds with the real gcloud), and says which
// one when it fails. They read the configuration as written; they cannot tell whether Google Cloud
// accepts it (docs/deploy.md says where each rule comes from). commands.test.mjs runs the commands
// Terraform runs.
//
// TF_POLICY_DIR chooses the folder (default: ../../terraform from this file).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  loadTerraform, resources, resource, block, resolve, interpolate, strings, dependsOn,
  localExecCommands, localExecs, seconds,
} from "./lib/terraform.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = process.env.TF_POLICY_DIR ?? path.join(here, "..", "..", "terraform");
const tf = await loadTerraform(dir);
const buildScript = fs.readFileSync(path.join(dir, "scripts", "build-images"), "utf8");

const finding = (n, what) => `finding ${n} regressed (${what})`;
// Issue 11, goal 5: $0 at idle and at most $0.001 per ten-minute call (docs/deploy.md, "What a call costs").
const cost = (what) => `issue 11 goal 5 (cost) regressed (${what})`;
// Issue 12 ("who may create calls"): its finding 5 is the owner key.
const owner = (what) => `issue 12 finding 5 regressed (${what})`;
// Issue 23 ("the first terraform apply succeeds"), by the number of its item.
const apply = (n, what) => `issue 23 item ${n} regressed (${what})`;
// Issue 28 ("the first call after a quiet day"), by the number of its item.
const quietDay = (n, what) => `issue 28 item ${n} regressed (${what})`;

function fn(key) {
  const r = resource(tf, "google_cloud_run_v2_service", "function");
  assert.ok(r, apply(1, "the functions are declared once as google_cloud_run_v2_service.function with for_each"));
  const all = resolve(tf, r.body.for_each);
  assert.ok(all && typeof all === "object", apply(1, "for_each of the functions resolves to the local map of their differences"));
  assert.ok(all[key], finding(7, `no function "${key}" in the functions map`));
  return { r, spec: all[key] };
}

function fnContainer() {
  return block(block(fn("router").r.body.template).containers);
}

function gateway() {
  const r = resource(tf, "google_cloud_run_v2_service", "gateway");
  assert.ok(r, "google_cloud_run_v2_service.gateway is missing");
  return r;
}

function gatewayContainer() {
  return block(block(gateway().body.template).containers);
}

function envValue(container, name) {
  return (container.env ?? []).find((e) => e.name === name);
}

function buildResources() {
  return tf.resources.filter((r) => localExecCommands(r).some((c) => /\bmvn\b|build-images/.test(c)));
}

test("finding 1: APIs are enabled, and waited for, before anything that needs them", () => {
  const services = resolve(tf, "${local.services}");
  const text = JSON.stringify(services);
  assert.match(text, /cloudresourcemanager\.googleapis\.com/, finding(1, "cloudresourcemanager.googleapis.com must stay in local.services"));
  const wait = resource(tf, "time_sleep", "apis_ready");
  assert.ok(wait, finding(1, "time_sleep.apis_ready is gone"));
  assert.match(JSON.stringify(wait.body.triggers), /google_project_service\.apis/,
    finding(1, "time_sleep.apis_ready must follow google_project_service.apis"));
});

test("issue 23: Compute Engine is enabled only with TURN, and no API of a build we do not run", () => {
  const text = JSON.stringify(resolve(tf, "${local.services}"));
  assert.match(text, /var\.enable_turn \? \[\\"compute\.googleapis\.com\\"\]/,
    apply(4, "compute.googleapis.com must be enabled only when enable_turn is true"));
  assert.equal((text.match(/compute\.googleapis\.com/g) ?? []).length, 1, apply(4, "compute.googleapis.com listed unconditionally"));
  for (const api of ["cloudbuild", "cloudfunctions"]) {
    assert.ok(!text.includes(`${api}.googleapis.com`), apply(1, `${api}.googleapis.com is enabled though nothing builds or deploys through it`));
  }
});

test("issue 23: nothing the provider can express goes through a shell-out", () => {
  const commands = tf.resources.flatMap((r) => localExecCommands(r).map((c) => [r.address, c]));
  for (const [address, command] of commands) {
    assert.ok(!/gcloud\s+(beta\s+)?run\b/.test(command), apply(1, `${address} runs gcloud run (the provider sets Cloud Run services)`));
  }
  assert.deepEqual(commands.map(([a]) => a).sort(), ["terraform_data.build", "terraform_data.pubsub_service_agent"],
    apply(1, `only the build and the Pub/Sub agent may shell out, found ${commands.map(([a]) => a).join(", ")}`));
  assert.equal(resources(tf, "google_cloudfunctions2_function").length, 0,
    apply(1, "functions are Cloud Run services: google_cloudfunctions2_function cannot set the invoker check or the CPU boost"));

  const { r } = fn("router");
  assert.equal(r.body.invoker_iam_disabled, "${each.value.public}", apply(1, "invoker_iam_disabled must come from the functions map"));
  assert.equal(fn("create-call").spec.public, true, owner("CreateCall is public through invoker_iam_disabled"));
  for (const key of ["router", "sweeper"]) assert.equal(fn(key).spec.public, false, apply(1, `${key} must keep the invoker check`));
  const limits = block(fnContainer().resources);
  assert.equal(limits.startup_cpu_boost, "${each.value.boost}", finding(7, "startup CPU boost must come from the functions map"));
  for (const key of ["router", "create-call"]) assert.equal(fn(key).spec.boost, true, finding(7, `${key}'s Java start needs startup CPU boost`));
  assert.equal(block(r.body.template).execution_environment, "${each.value.environment}", apply(1, "execution environment from the functions map"));
  for (const key of ["router", "create-call", "sweeper"]) {
    const { spec } = fn(key);
    if (Number(spec.cpu) < 1) {
      // Cloud Run's rules for less than 1 vCPU (docs/deploy.md, "Router sizing and start-up").
      assert.equal(Number(resolve(tf, spec.concurrency)), 1, apply(1, `${key}: below 1 vCPU, concurrency must be 1`));
      assert.equal(spec.environment, "EXECUTION_ENVIRONMENT_GEN1", apply(1, `${key}: below 1 vCPU, the first-generation environment is required`));
      assert.ok(!/[0-9]Gi$/.test(spec.memory) || Number(spec.cpu) >= 0.5, apply(1, `${key}: memory above 512 MiB needs 0.5 vCPU`));
    }
  }
  assert.equal(limits.cpu_idle, true, cost("functions are billed per request"));
  const scaling = block(block(r.body.template).scaling);
  assert.equal(scaling.max_instance_count, "${each.value.max_instances}", apply(4, "max instances come from the functions map"));
  assert.equal(block(r.body.template).max_instance_request_concurrency, "${each.value.concurrency}", finding(7, "concurrency must come from the functions map"));
});

test("issue 23: the functions run the Functions Framework invoker on the entry point each names", () => {
  const target = envValue(fnContainer(), "FUNCTION_TARGET");
  assert.equal(target?.value, "${each.value.entry_point}", apply(1, "FUNCTION_TARGET must name the function's entry point"));
  const entries = ["router", "create-call", "sweeper"].map((k) => fn(k).spec.entry_point);
  assert.deepEqual(entries, ["dev.videocall.functions.RouterFunction", "dev.videocall.functions.CreateCallFunction",
    "dev.videocall.functions.SweepFunction"], apply(1, "the Functions Framework entry points changed"));
  assert.match(fnContainer().image, /data\.google_artifact_registry_docker_image\.functions\.self_link/,
    apply(1, "functions run the digest of the image the build pushed"));
});

test("finding 3: the gateway is public through invoker_iam_disabled, and nothing is granted to allUsers", () => {
  assert.equal(gateway().body.invoker_iam_disabled, true, finding(3, "gateway must set invoker_iam_disabled = true"));
  for (const r of tf.resources) {
    for (const [at, s] of strings(r.body)) {
      assert.ok(!/\ballUsers\b|\ballAuthenticatedUsers\b/.test(s),
        finding(3, `${r.address}.${at} grants to allUsers/allAuthenticatedUsers`));
    }
  }
  for (const g of resources(tf, "google_cloud_run_v2_service_iam_member")) {
    assert.ok(!/gateway|create-call/.test(JSON.stringify(g.body)), finding(3, `${g.address}: the gateway and CreateCall need no invoker binding`));
  }
});

test("finding 4 and issue 23 item 3: one Maven build produces both images, on a JDK 21+", () => {
  const builds = buildResources();
  assert.equal(builds.length, 1, finding(4, `exactly one resource may build, found ${builds.map((b) => b.address).join(", ")}`));
  assert.deepEqual(localExecCommands(builds[0]), ["terraform/scripts/build-images"], finding(4, "the build step runs terraform/scripts/build-images"));
  const mvn = buildScript.split("\n").filter((l) => /^\s*mvn\b/.test(l));
  assert.equal(mvn.length, 1, finding(4, "the build script must invoke Maven once"));
  assert.match(mvn[0], /mvn -B -q -DskipTests -pl gateway-gcp,functions -am/, finding(4, "Maven must build gateway-gcp and functions with -am in one reactor"));
  assert.match(buildScript, /jib-maven-plugin:\$JIB_VERSION:build/, finding(4, "Jib must run in the same invocation"));
  assert.ok(!/jib\.to\.auth\.password|print-access-token/.test(buildScript), finding(4, "no registry token on the command line"));
  assert.match(buildScript, /JAVA_HOME=\$\(scripts\/java-home\)/, apply(3, "the build must pick a JDK 21+ the way scripts/ do"));
});

test("finding 5 and issue 28: the gateway's startup probe asks /healthz every second, within Cloud Run's 240 s", () => {
  const probe = block(gatewayContainer().startup_probe);
  assert.ok(probe, finding(5, "gateway has no startup probe"));
  const num = (v, dflt) => Number(resolve(tf, v ?? dflt));
  const period = num(probe.period_seconds, 10);
  const threshold = num(probe.failure_threshold, 3);
  const delay = num(probe.initial_delay_seconds, 0);
  const timeout = num(probe.timeout_seconds, 1);
  assert.ok(delay + period * threshold >= 240, finding(5, `startup budget ${delay + period * threshold} s < 240 s`));
  assert.ok(period * threshold <= 240, finding(5, `failure_threshold x period_seconds = ${period * threshold} s exceeds Cloud Run's 240 s`));
  // The Cloud Run v2 API says the period "must be greater or equal than timeout_seconds"; Google's own
  // Terraform sample for a startup probe sets both to 3.
  assert.ok(timeout <= period, finding(5, "timeout_seconds must not exceed period_seconds"));
  assert.equal(period, 1, quietDay(1, "traffic waits for the startup probe: a period over 1 s adds to every cold start"));
  assert.ok(block(probe.http_get)?.path, finding(5, "the startup probe must ask /healthz over HTTP"));
});

test("issue 23: no liveness probe bills a request-billed gateway", () => {
  assert.equal(gatewayContainer().liveness_probe, undefined, apply(4, "every liveness probe is a billed request (docs/deploy.md, \"Probes\")"));
});

test("finding 6 and issue 23 item 5: images are content-addressed and a second apply plans nothing", () => {
  for (const [name, local] of [["gateway", "gateway_image"], ["functions", "functions_image"]]) {
    assert.match(String(tf.locals[local]), new RegExp(`/${name}:\\$\\{local\\.${name}_source_hash\\}$`),
      finding(6, `${local} must be named by its sources' hash`));
    const data = tf.data.find((d) => d.type === "google_artifact_registry_docker_image" && d.name === name);
    assert.ok(data, finding(6, `data.google_artifact_registry_docker_image.${name} is missing`));
    assert.equal(data.body.depends_on, undefined,
      apply(5, `data.google_artifact_registry_docker_image.${name} must not depend on the build (it would be read again, and both services change, at every build)`));
    assert.match(data.body.image_name, new RegExp(`terraform_data\\.${name}_image\\.output\\.tag`), apply(5, `${name}'s image is read through its own marker`));
  }
  const build = resource(tf, "terraform_data", "build");
  for (const image of ["gateway_image", "functions_image"]) {
    assert.equal(block(build.body.triggers_replace)[image], `\${local.${image}}`, finding(6, `the build runs when ${image} changes`));
  }
  // What the API changes on every deployment (times, etags, generations, revisions) must not
  // replace anything: that re-runs a step, or redeploys, on every apply.
  const volatile = /\.(update_time|create_time|etag|generation|observed_generation|uid|latest_ready_revision|latest_created_revision|reconciling)\b/;
  for (const r of tf.resources) {
    for (const key of ["triggers", "triggers_replace", "input"]) {
      const hit = JSON.stringify(r.body[key] ?? "").match(volatile);
      assert.equal(hit, null, apply(5, `${r.address}.${key} follows a value the API changes: ${hit?.[0]}`));
    }
  }
  assert.match(buildScript, /gcloud artifacts docker images describe/, finding(6, "the build must skip images that are already pushed"));
});

test("finding 7: the router is sized for bursts", () => {
  const { spec } = fn("router");
  assert.equal(String(resolve(tf, spec.cpu)), "1", finding(7, "router needs a full vCPU"));
  const concurrency = Number(resolve(tf, spec.concurrency));
  assert.ok(concurrency >= 8, finding(7, `router request concurrency ${concurrency} < 8`));
  assert.match(String(spec.memory), /^[1-9]Gi$/, finding(7, "router memory below 1 GiB"));
  const pom = fs.readFileSync(path.join(here, "..", "..", "functions", "pom.xml"), "utf8");
  assert.match(pom, /<arg>-XX:TieredStopAtLevel=1<\/arg>/, finding(7, "the functions image must start the JVM with C1 only"));
  assert.match(pom, /<arg>-XX:MaxRAMPercentage=70<\/arg>/, finding(7, "the functions image sizes its heap from the container's memory"));

  const push = resource(tf, "google_pubsub_subscription", "router_push");
  const attempts = Number(resolve(tf, block(push.body.dead_letter_policy).max_delivery_attempts));
  assert.ok(attempts >= 10, finding(7, `only ${attempts} delivery attempts before dead-lettering`));
  const maxBackoff = seconds(tf, block(push.body.retry_policy).maximum_backoff);
  assert.ok(maxBackoff <= 10, finding(7, `maximum push backoff ${maxBackoff} s > 10 s`));
});

test("issue 23: Pub/Sub waits for the router's answer at least as long as the router may take", () => {
  const push = resource(tf, "google_pubsub_subscription", "router_push");
  const ack = Number(resolve(tf, push.body.ack_deadline_seconds));
  const timeout = seconds(tf, resolve(tf, fn("router").spec.timeout));
  assert.ok(ack >= timeout, apply(4, `ack deadline ${ack} s is shorter than the router's timeout ${timeout} s: slow requests are redelivered while running`));
});

test("issue 23: default maximum instances fit a new project's quotas", () => {
  const vcpus = (n, cpu) => Number(n) * Number(cpu);
  const gatewayMax = Number(resolve(tf, "${var.gateway_max_instances}"));
  const routerMax = Number(resolve(tf, "${var.router_max_instances}"));
  for (const [name, n] of [["gateway_max_instances", gatewayMax], ["router_max_instances", routerMax]]) {
    assert.ok(n <= 10, apply(4, `${name} defaults to ${n} instances (a new project allows 10)`));
  }
  assert.equal(block(block(gateway().body.template).scaling).max_instance_count, "${var.gateway_max_instances}", apply(4, "gateway max instances from its variable"));
  assert.equal(fn("router").spec.max_instances, "${var.router_max_instances}", apply(4, "router max instances from its variable"));
  let total = vcpus(gatewayMax, resolve(tf, block(gatewayContainer().resources).limits.cpu));
  for (const key of ["router", "create-call", "sweeper"]) {
    const { spec } = fn(key);
    total += vcpus(resolve(tf, spec.max_instances), resolve(tf, spec.cpu));
  }
  assert.ok(total <= 10, apply(4, `the services may scale to ${total} vCPU together, above a new project's regional quota`));
});

test("issue 23: each deployment has its own Firestore database, and every process uses it", () => {
  const db = resource(tf, "google_firestore_database", "presence");
  assert.equal(db.body.name, "${var.name_prefix}", apply(4, "the database is named by name_prefix, so deployments sharing a project do not collide"));
  assert.equal(fn("router").spec.env, "${local.function_env}", apply(4, "router env is the shared function env"));
  assert.equal(tf.locals.function_env.FIRESTORE_DATABASE, "${google_firestore_database.presence.name}", apply(4, "functions must use the deployment's database"));
  assert.equal(envValue(gatewayContainer(), "FIRESTORE_DATABASE")?.value, "${google_firestore_database.presence.name}", apply(4, "the gateway must use the deployment's database"));
  const validation = JSON.stringify(tf.variables.name_prefix.validation ?? "");
  assert.match(validation, /regex/, apply(4, "name_prefix must be validated (service account ids, database ids)"));
});

test("issue 23: ordered publishing goes through the region's own Pub/Sub endpoint", () => {
  assert.equal(tf.locals.pubsub_endpoint, "${var.region}-pubsub.googleapis.com:443", apply(4, "the regional endpoint is REGION-pubsub.googleapis.com:443"));
  assert.equal(tf.locals.function_env.PUBSUB_ENDPOINT, "${local.pubsub_endpoint}", apply(4, "functions publish through the regional endpoint"));
  assert.equal(envValue(gatewayContainer(), "PUBSUB_ENDPOINT")?.value, "${local.pubsub_endpoint}", apply(4, "the gateway publishes through the regional endpoint"));
});

test("finding 8: the gateway may only create, pull from and delete subscriptions", () => {
  const role = resource(tf, "google_project_iam_custom_role", "gateway_subscriptions");
  const perms = [...role.body.permissions].sort();
  assert.deepEqual(perms, ["pubsub.subscriptions.consume", "pubsub.subscriptions.create", "pubsub.subscriptions.delete"],
    finding(8, `gateway role permissions are ${perms.join(", ")}`));
  const gatewayMember = "serviceAccount:${google_service_account.gateway.email}";
  for (const g of resources(tf, "google_project_iam_member").filter((m) => m.body.member === gatewayMember)) {
    assert.ok(!/pubsub\.(editor|admin|subscriber)/.test(g.body.role), finding(8, `${g.address} grants a broad Pub/Sub role`));
  }
  for (const r of resources(tf, "google_project_iam_custom_role")) {
    for (const p of r.body.permissions) assert.ok(!/subscriptions\.update$/.test(p), finding(8, `${r.address} carries ${p}`));
  }
  const attach = resources(tf, "google_pubsub_topic_iam_member").find((m) => m.body.member === gatewayMember && m.name === "gateway_attaches_to_egress");
  assert.ok(attach && /google_pubsub_topic\.egress\./.test(attach.body.topic), finding(8, "attachSubscription must be granted on the egress topic only"));
  const attachRole = resource(tf, "google_project_iam_custom_role", "attach_egress");
  assert.deepEqual(attachRole?.body.permissions, ["pubsub.topics.attachSubscription"], finding(8, "the attach role must hold only topics.attachSubscription"));

  const prefix = envValue(gatewayContainer(), "EGRESS_SUBSCRIPTION_PREFIX");
  assert.equal(resolve(tf, prefix?.value), "${var.name_prefix}-egress-", finding(8, "EGRESS_SUBSCRIPTION_PREFIX must be \"${var.name_prefix}-egress-\""));
  const prefixText = interpolate(tf, resolve(tf, prefix.value));
  for (const s of resources(tf, "google_pubsub_subscription")) {
    assert.ok(!interpolate(tf, s.body.name).startsWith(prefixText), finding(8, `${s.address} is named like a gateway's own subscription`));
  }
});

test("finding 9: Artifact Registry cleanup actually deletes", () => {
  const repo = resource(tf, "google_artifact_registry_repository", "images");
  const policies = repo.body.cleanup_policies ?? [];
  assert.ok(policies.some((p) => p.action === "DELETE"), finding(9, "cleanup policies need a DELETE rule; KEEP alone deletes nothing"));
  assert.ok(policies.some((p) => p.action === "KEEP" && p.most_recent_versions), finding(9, "keep the newest versions (the deployed one among them)"));
  assert.equal(repo.body.cleanup_policy_dry_run, false, finding(9, "cleanup must not be a dry run"));
});

test("finding 9: router and sweeper accept internal traffic only", () => {
  for (const key of ["router", "sweeper"]) {
    assert.equal(fn(key).spec.ingress, "INGRESS_TRAFFIC_INTERNAL_ONLY", finding(9, `${key} ingress must be INGRESS_TRAFFIC_INTERNAL_ONLY`));
  }
  assert.equal(fn("router").r.body.ingress, "${each.value.ingress}", finding(9, "ingress must come from the functions map"));
});

test("finding 9: grants to the Pub/Sub service agent wait until it exists", () => {
  const agent = resource(tf, "terraform_data", "pubsub_service_agent");
  assert.match(localExecCommands(agent ?? { body: {} }).join(" "), /services identity create --service=pubsub\.googleapis\.com/,
    finding(9, "the Pub/Sub service agent must be created explicitly"));
  const wait = resource(tf, "time_sleep", "identities_ready");
  assert.ok(wait && dependsOn(wait).includes("terraform_data.pubsub_service_agent"), finding(9, "identities_ready must follow the agent's creation"));
  const agentGrants = tf.resources.filter((r) => r.body.member === "${local.pubsub_agent}");
  assert.ok(agentGrants.length >= 3, finding(9, "dead-letter and push-token grants to the agent are missing"));
  for (const g of agentGrants) {
    assert.ok(dependsOn(g).includes("time_sleep.identities_ready"), finding(9, `${g.address} may run before the agent exists`));
  }
});

test("finding 9: nothing relies on the default network", () => {
  for (const r of tf.resources) {
    for (const [at, s] of strings(r.body)) {
      if (/(^|\.)network$/.test(at) || /network_interface/.test(at)) {
        assert.notEqual(s, "default", finding(9, `${r.address}.${at} uses the default network`));
      }
    }
  }
  assert.ok(resource(tf, "google_compute_network", "turn"), finding(9, "TURN needs a network of its own"));
});

test("finding 9: TURN can be reached over TLS on 443", () => {
  assert.ok(tf.variables.turn_tls_domain, finding(9, "variable turn_tls_domain is missing"));
  assert.match(JSON.stringify(tf.locals.turn_urls), /turns:\$\{var\.turn_tls_domain\}:443\?transport=tcp/, finding(9, "turns: URL on 443 missing"));
  const fw = resource(tf, "google_compute_firewall", "turn");
  assert.match(JSON.stringify(fw.body.allow), /\b443\b/, finding(9, "the TURN firewall must open 443 when TLS is on"));
  assert.match(String(tf.locals.turn_tls_conf), /tls-listening-port=443/, finding(9, "coturn must listen for TLS on 443"));
});

test("finding 9: the images' base image does not come from Docker Hub", () => {
  const image = String(resolve(tf, "${var.jib_base_image}"));
  const first = image.split("/")[0];
  const hasRegistry = image.includes("/") && (first.includes(".") || first.includes(":"));
  assert.ok(hasRegistry, finding(9, `"${image}" names no registry, which means Docker Hub`));
  assert.ok(!/(^|\.)docker\.io$/.test(first), finding(9, `"${image}" is pulled from Docker Hub`));
  assert.equal(localExecs(resource(tf, "terraform_data", "build"))[0].environment.BASE_IMAGE, "${var.jib_base_image}",
    finding(9, "the build must be given var.jib_base_image"));
  assert.match(buildScript, /"-Djib\.from\.image=\$BASE_IMAGE"/, finding(9, "the build must pass -Djib.from.image"));
});

// A function's secrets as text, with the locals it merges written out.
function secretsOf(key) {
  const raw = JSON.stringify(fn(key).spec.secrets ?? {});
  const merged = [...raw.matchAll(/local\.([A-Za-z0-9_]+)/g)].map(([, name]) => JSON.stringify(resolve(tf, `\${local.${name}}`)));
  return [raw, ...merged].join(" ");
}

test("issue 12: CreateCall requires the owner key, which only CreateCall can read", () => {
  const secrets = secretsOf;
  assert.match(secrets("create-call"), /OWNER_KEY/, owner("CreateCall must get OWNER_KEY from Secret Manager"));
  assert.match(JSON.stringify(resolve(tf, "${local.owner_key_secret}")), /google_secret_manager_secret\.owner_key\.secret_id/,
    owner("OWNER_KEY must name the owner-key secret"));
  for (const other of ["router", "sweeper"]) {
    assert.ok(!/OWNER_KEY|owner_key/.test(secrets(other)), owner(`${other} must not get the owner key`));
  }
  const { r } = fn("create-call");
  assert.ok(dependsOn(r).includes("google_secret_manager_secret_version.owner_key"), owner("functions must wait for the owner key's version"));
  const readers = tf.resources.filter((g) => g.type.endsWith("_iam_member") && /owner_key/.test(JSON.stringify(g.body.secret_id ?? "")));
  assert.equal(readers.length, 1, owner(`exactly one grant on the owner-key secret, found ${readers.map((g) => g.address).join(", ")}`));
  assert.equal(readers[0].body.member, "serviceAccount:${google_service_account.create_call.email}", owner("only CreateCall's account reads the owner key"));
  assert.equal(readers[0].body.role, "roles/secretmanager.secretAccessor", owner("the owner-key grant is read access only"));
  const key = resource(tf, "random_password", "owner_key");
  assert.ok(key && Number(key.body.length) >= 32, owner("the owner key is generated, at least 32 characters"));
  const version = resource(tf, "google_secret_manager_secret_version", "owner_key");
  assert.equal(version?.body.secret_data, "${random_password.owner_key.result}", owner("the secret holds the generated key"));
});

test("issue 12: the owner is told the key, as a sensitive output", () => {
  const text = Object.values(tf.text).join("\n");
  const m = /output\s+"owner_key"\s*\{([^}]*)\}/.exec(text);
  assert.ok(m, owner("output owner_key is missing"));
  assert.match(m[1], /sensitive\s*=\s*true/, owner("output owner_key must be sensitive"));
  assert.match(m[1], /random_password\.owner_key\.result/, owner("output owner_key must be the generated key"));
});

test("issue 12: CreateCall is public only through the invoker check, with no IAM list of call creators", () => {
  assert.equal(tf.variables.call_creators, undefined, owner("no call_creators variable: the owner key decides"));
  for (const g of tf.resources.filter((r) => /google_cloud_run(_v2)?_service_iam_member/.test(r.type))) {
    assert.ok(!/create-call/.test(JSON.stringify(g.body)), owner(`${g.address} grants invoker on CreateCall`));
  }
  assert.equal(fn("create-call").spec.public, true, owner("CreateCall is made public with invoker_iam_disabled, never allUsers"));
  assert.equal(fn("create-call").spec.ingress, "INGRESS_TRAFFIC_ALL", owner("browsers reach CreateCall from the internet"));
});

test("issue 12: the page learns CreateCall's URL from the gateway, and may call it", () => {
  const env = envValue(gatewayContainer(), "CREATE_CALL_URL");
  assert.equal(env?.value, "${local.create_call_url}", owner("the gateway must get CREATE_CALL_URL = local.create_call_url"));
  const url = tf.locals.create_call_url;
  assert.equal(url, "https://${var.name_prefix}-create-call-${data.google_project.this.number}.${var.region}.run.app",
    owner(`CREATE_CALL_URL must be CreateCall's deterministic run.app URL, got ${url}`));
  assert.equal(fn("create-call").r.body.name, "${var.name_prefix}-${each.key}", owner("CreateCall's name must be the one its URL is built from"));
  const createCallEnv = JSON.stringify(resolve(tf, fn("create-call").spec.env));
  assert.match(createCallEnv, /PUBLIC_BASE_URL.*google_cloud_run_v2_service\.gateway\.uri/, owner("CreateCall's links and CORS origin are the gateway's URL"));
  assert.match(createCallEnv, /ALLOWED_ORIGINS.*google_cloud_run_v2_service\.gateway\.urls/, owner("CreateCall allows the page at each of the gateway's URLs"));
});

test("issue 12: TURN credentials come only from the router (in welcome)", () => {
  const turnReaders = tf.resources.filter((g) => g.type.endsWith("_iam_member") && /\.turn/.test(JSON.stringify(g.body.secret_id ?? "")));
  for (const g of turnReaders) {
    assert.equal(g.body.member, "serviceAccount:${google_service_account.router.email}", owner(`${g.address}: only the router reads the TURN secret`));
  }
  for (const key of ["create-call", "sweeper"]) {
    assert.ok(!/TURN_SECRET|turn_secret/.test(secretsOf(key)), owner(`${key} must not get the TURN secret`));
  }
});

test("issue 11: the gateway is billed per request and scales to zero unless asked otherwise", () => {
  const resources = block(gatewayContainer().resources);
  assert.equal(resources.cpu_idle, true,
    cost("the gateway must set cpu_idle = true (request-based billing): parked calls then cost no instance time"));
  const scaling = block(block(gateway().body.template).scaling);
  assert.equal(scaling.min_instance_count, "${var.gateway_min_instances}", cost("min instances must come from gateway_min_instances"));
  assert.equal(resolve(tf, "${var.gateway_min_instances}"), 0, cost("gateway_min_instances must default to 0: an idle site runs no gateway"));
  assert.equal(String(resolve(tf, resources.limits.cpu)), "1", cost("concurrent sockets need a whole vCPU (below 1, concurrency must be 1)"));
  assert.equal(block(block(fn("router").r.body.template).scaling).min_instance_count, 0, cost("functions scale to zero"));
});
