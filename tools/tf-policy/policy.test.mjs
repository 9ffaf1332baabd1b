// Policy checks of terraform/*.tf, offline. Each test guards one finding of issue 10 ("The cloud
// stack stands up on the first terraform apply"), or of issue 12 (only the owner creates calls), and
// says which one when it fails. They read the
// configuration as written; they cannot tell whether Google Cloud accepts it (docs/deploy.md says
// where each rule comes from).
//
// TF_POLICY_DIR chooses the folder (default: ../../terraform from this file).
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  loadTerraform, resources, resource, block, resolve, interpolate, strings, dependsOn,
  localExecCommands, seconds,
} from "./lib/terraform.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = process.env.TF_POLICY_DIR ?? path.join(here, "..", "..", "terraform");
const tf = await loadTerraform(dir);

const finding = (n, what) => `finding ${n} regressed (${what})`;
// Issue 11, goal 5: $0 at idle and at most $0.001 per ten-minute call (docs/deploy.md, "What a call costs").
const cost = (what) => `issue 11 goal 5 (cost) regressed (${what})`;
// Issue 12 ("who may create calls"): its finding 5 is the owner key.
const owner = (what) => `issue 12 finding 5 regressed (${what})`;

function fn(key) {
  const r = resource(tf, "google_cloudfunctions2_function", "function");
  assert.ok(r, finding(2, "the functions are declared once as google_cloudfunctions2_function.function with for_each"));
  const all = resolve(tf, r.body.for_each);
  assert.ok(all && typeof all === "object", finding(2, "for_each of the functions resolves to the local map of their differences"));
  assert.ok(all[key], finding(7, `no function "${key}" in the functions map`));
  return { r, spec: all[key] };
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
  return tf.resources.filter((r) => localExecCommands(r).some((c) => /\bmvn\b/.test(c)));
}

test("finding 1: APIs are enabled, and waited for, before anything that needs them", () => {
  const services = resolve(tf, "${local.services}");
  assert.ok(Array.isArray(services) && services.includes("cloudresourcemanager.googleapis.com"),
    finding(1, "cloudresourcemanager.googleapis.com must stay in local.services"));
  const wait = resource(tf, "time_sleep", "apis_ready");
  assert.ok(wait, finding(1, "time_sleep.apis_ready is gone"));
  assert.match(JSON.stringify(wait.body.triggers), /google_project_service\.apis/,
    finding(1, "time_sleep.apis_ready must follow google_project_service.apis"));
});

test("finding 2: every function build runs as its own service account with the build roles", () => {
  const { r } = fn("router");
  const build = block(r.body.build_config);
  assert.equal(build.service_account, "${google_service_account.function_build.id}",
    finding(2, "build_config.service_account must be the dedicated build account"));
  assert.equal(build.docker_repository, "${google_artifact_registry_repository.images.id}",
    finding(2, "builds push to our repository, where the build account may write"));
  const sa = resource(tf, "google_service_account", "function_build");
  assert.ok(sa, finding(2, "google_service_account.function_build is missing"));

  const member = "serviceAccount:${google_service_account.function_build.email}";
  const projectGrants = JSON.stringify(resources(tf, "google_project_iam_member")
    .filter((g) => g.body.member === member)
    .map((g) => [g.body.role, g.body.for_each]));
  for (const role of ["roles/logging.logWriter", "roles/storage.objectViewer"]) {
    assert.ok(projectGrants.includes(role), finding(2, `build account lacks ${role}`));
  }
  assert.ok(!/roles\/(editor|owner|cloudbuild\.builds\.builder)/.test(projectGrants),
    finding(2, "the build account must not get broad roles"));
  const writer = resources(tf, "google_artifact_registry_repository_iam_member")
    .find((g) => g.body.member === member && g.body.role === "roles/artifactregistry.writer");
  assert.ok(writer, finding(2, "build account lacks roles/artifactregistry.writer on the images repository"));

  assert.ok(dependsOn(r).includes("time_sleep.iam_propagation"),
    finding(2, "functions must wait for the build grants to propagate"));
  const wait = resource(tf, "time_sleep", "iam_propagation");
  const triggers = JSON.stringify(wait?.body.triggers ?? {});
  assert.match(triggers, /google_project_iam_member\.function_build/, finding(2, "the propagation wait must cover the build account's grants"));
  assert.match(triggers, /function_build_writer/, finding(2, "the propagation wait must cover the repository grant"));
});

test("finding 3: the gateway is public through invoker_iam_disabled, and nothing is granted to allUsers", () => {
  assert.equal(gateway().body.invoker_iam_disabled, true, finding(3, "gateway must set invoker_iam_disabled = true"));
  for (const r of tf.resources) {
    for (const [at, s] of strings(r.body)) {
      assert.ok(!/\ballUsers\b|\ballAuthenticatedUsers\b/.test(s),
        finding(3, `${r.address}.${at} grants to allUsers/allAuthenticatedUsers`));
    }
  }
  assert.equal(resources(tf, "google_cloud_run_v2_service_iam_member").length, 0,
    finding(3, "the gateway needs no invoker binding once its invoker check is off"));
});

test("finding 4: one Maven build produces both artefacts", () => {
  const builds = buildResources();
  assert.equal(builds.length, 1, finding(4, `exactly one resource may run Maven, found ${builds.map((b) => b.address).join(", ")}`));
  const cmds = localExecCommands(builds[0]).join("\n");
  assert.equal((cmds.match(/\bmvn\b/g) ?? []).length, 1, finding(4, "the build step must invoke Maven once"));
  assert.match(cmds, /mvn -B -q -DskipTests -pl gateway-gcp,functions -am/, finding(4, "Maven must build gateway-gcp and functions with -am in one reactor"));
  assert.match(cmds, /jib\.containerize=:videocall-gateway-gcp/, finding(4, "Jib must run in the same invocation, on gateway-gcp only"));
  assert.ok(!/-Djib\.to\.auth\.password/.test(cmds), finding(4, "no registry token on the command line"));
});

test("finding 5: the gateway's startup probe allows a start with retries of about four minutes", () => {
  const probe = block(gatewayContainer().startup_probe);
  assert.ok(probe, finding(5, "gateway has no startup probe"));
  const num = (v, dflt) => Number(resolve(tf, v ?? dflt));
  const period = num(probe.period_seconds, 10);
  const threshold = num(probe.failure_threshold, 3);
  const delay = num(probe.initial_delay_seconds, 0);
  const timeout = num(probe.timeout_seconds, 1);
  assert.ok(delay + period * threshold >= 240, finding(5, `startup budget ${delay + period * threshold} s < 240 s`));
  assert.ok(period * threshold <= 240, finding(5, `failure_threshold x period_seconds = ${period * threshold} s exceeds Cloud Run's 240 s`));
  assert.ok(timeout < period, finding(5, "timeout_seconds must be smaller than period_seconds"));
  assert.ok(block(probe.http_get)?.path, finding(5, "the startup probe must ask /healthz over HTTP"));
});

test("finding 6: the functions' source is uploaded by the build step and referenced by name", () => {
  for (const o of resources(tf, "google_storage_bucket_object")) {
    assert.ok(!o.body.source, finding(6, `${o.address} needs a local file on the applying machine`));
  }
  const { r } = fn("router");
  const src = block(block(block(r.body.build_config).source).storage_source);
  assert.match(String(src.object), /terraform_data\.functions_source\.output\.object/,
    finding(6, "functions must name the uploaded object through terraform_data.functions_source"));
  assert.match(String(resolve(tf, "${local.functions_object}")), /^functions-\$\{local\.functions_source_hash\}\.zip$/,
    finding(6, "the object name must be content-addressed"));
  const cmds = localExecCommands(buildResources()[0] ?? { body: {} }).join("\n");
  assert.match(cmds, /gcloud storage cp /, finding(6, "the build step must upload the zip itself"));
  assert.match(cmds, /gcloud storage objects describe/, finding(6, "the build step must skip an upload that is already there"));
  const bucket = resource(tf, "google_storage_bucket", "sources");
  for (const rule of bucket?.body.lifecycle_rule ?? []) {
    const action = block(rule.action)?.type;
    assert.notEqual(action, "Delete", finding(6, "no lifecycle rule may delete source zips a rebuild may need"));
  }
});

test("finding 7: the router is sized for bursts", () => {
  const { r, spec } = fn("router");
  const service = block(r.body.service_config);
  assert.equal(String(resolve(tf, spec.cpu)), "1", finding(7, "router needs a full vCPU"));
  assert.match(service.available_cpu, /each\.value\.cpu/, finding(7, "available_cpu must come from the functions map"));
  const concurrency = Number(resolve(tf, spec.concurrency));
  assert.ok(concurrency >= 8, finding(7, `router request concurrency ${concurrency} < 8`));
  assert.match(service.max_instance_request_concurrency, /each\.value\.concurrency/, finding(7, "concurrency must come from the functions map"));
  assert.ok(Number(spec.memory_mib) >= 1024, finding(7, "router memory below 1 GiB"));

  const opts = resolve(tf, "${local.function_java_tool_options}");
  assert.match(String(opts), /-XX:TieredStopAtLevel=1/, finding(7, "JAVA_TOOL_OPTIONS must carry -XX:TieredStopAtLevel=1"));
  assert.match(String(opts), /-XX:MaxRAMPercentage=/, finding(7, "JAVA_TOOL_OPTIONS must keep the buildpack's heap sizing"));
  assert.match(JSON.stringify(service.environment_variables), /JAVA_TOOL_OPTIONS/, finding(7, "functions must get JAVA_TOOL_OPTIONS"));

  const boost = resource(tf, "terraform_data", "router_startup_cpu_boost");
  assert.ok(boost && /--cpu-boost/.test(localExecCommands(boost).join(" ")), finding(7, "router startup CPU boost step is missing"));
  assert.equal(resolve(tf, "${var.router_startup_cpu_boost}"), true, finding(7, "startup CPU boost must be on by default"));

  const push = resource(tf, "google_pubsub_subscription", "router_push");
  const attempts = Number(resolve(tf, block(push.body.dead_letter_policy).max_delivery_attempts));
  assert.ok(attempts >= 10, finding(7, `only ${attempts} delivery attempts before dead-lettering`));
  const maxBackoff = seconds(tf, block(push.body.retry_policy).maximum_backoff);
  assert.ok(maxBackoff <= 10, finding(7, `maximum push backoff ${maxBackoff} s > 10 s`));
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
  assert.equal(envValue(gatewayContainer(), "BACKEND"), undefined, "the gateway no longer reads BACKEND");
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
    assert.equal(fn(key).spec.ingress, "ALLOW_INTERNAL_ONLY", finding(9, `${key} ingress must be ALLOW_INTERNAL_ONLY`));
  }
  const { r } = fn("router");
  assert.match(block(r.body.service_config).ingress_settings, /each\.value\.ingress/, finding(9, "ingress_settings must come from the functions map"));
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

test("finding 9: the gateway's base image does not come from Docker Hub", () => {
  const image = String(resolve(tf, "${var.jib_base_image}"));
  const first = image.split("/")[0];
  const hasRegistry = image.includes("/") && (first.includes(".") || first.includes(":"));
  assert.ok(hasRegistry, finding(9, `"${image}" names no registry, which means Docker Hub`));
  assert.ok(!/(^|\.)docker\.io$/.test(first), finding(9, `"${image}" is pulled from Docker Hub`));
  const cmds = localExecCommands(buildResources()[0] ?? { body: {} }).join("\n");
  assert.match(cmds, /-Djib\.from\.image=\$\{var\.jib_base_image\}/, finding(9, "the build must pass -Djib.from.image"));
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
  for (const g of resources(tf, "google_cloud_run_service_iam_member")) {
    assert.ok(!/create-call/.test(JSON.stringify(g.body.service)), owner(`${g.address} grants invoker on CreateCall`));
  }
  const open = resource(tf, "terraform_data", "create_call_public");
  const cmd = localExecCommands(open ?? { body: {} }).join(" ");
  assert.match(cmd, /gcloud run services update \$\{google_cloudfunctions2_function\.function\["create-call"\]\.service_config\[0\]\.service\}/,
    owner("the invoker check is switched off on CreateCall's own service"));
  assert.match(cmd, /--no-invoker-iam-check/, owner("CreateCall is made public with --no-invoker-iam-check, never allUsers"));
  assert.match(JSON.stringify(open.body.triggers_replace), /create-call.*update_time/, owner("the switch must follow every change to CreateCall"));
  assert.equal(fn("create-call").spec.ingress, "ALLOW_ALL", owner("browsers reach CreateCall from the internet"));
});

test("issue 12: the page learns CreateCall's URL from the gateway, and may call it", () => {
  const env = envValue(gatewayContainer(), "CREATE_CALL_URL");
  assert.equal(env?.value, "${local.create_call_url}", owner("the gateway must get CREATE_CALL_URL = local.create_call_url"));
  const url = tf.locals.create_call_url;
  assert.equal(url, "https://${var.region}-${var.project_id}.cloudfunctions.net/${var.name_prefix}-create-call",
    owner(`CREATE_CALL_URL must be CreateCall's cloudfunctions.net URL, got ${url}`));
  assert.equal(fn("create-call").r.body.name, "${var.name_prefix}-${each.key}", owner("CreateCall's name must be the one its URL is built from"));
  const createCallEnv = JSON.stringify(resolve(tf, fn("create-call").spec.env));
  assert.match(createCallEnv, /PUBLIC_BASE_URL.*google_cloud_run_v2_service\.gateway\.uri/, owner("CreateCall's CORS origin is the gateway's URL"));
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
});
