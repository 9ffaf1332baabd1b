// Shows that every policy check can fail: each mutation below breaks one rule in a temporary copy
// of terraform/ (the real files are never touched), runs policy.test.mjs against the copy, and
// expects a failure that names the finding. Run: node prove-failures.mjs   (from this folder)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const source = process.env.TF_POLICY_DIR ?? path.join(here, "..", "..", "terraform");

// [finding (issue 10's number; "12/5" for issue 12's finding 5; "11/5" for issue 11's goal 5; "23/N"
// for issue 23's item N, "28/N" for issue 28's), what is broken, file (under terraform/), text to replace, replacement]
const mutations = [
  [1, "cloudresourcemanager API removed", "apis.tf", '    "cloudresourcemanager.googleapis.com",\n', ""],
  [1, "API wait no longer follows the enablement", "apis.tf", "join(\",\", sort(keys(google_project_service.apis)))", "\"none\""],
  ["23/4", "Compute Engine enabled without TURN", "apis.tf", '    "firestore.googleapis.com",\n', '    "compute.googleapis.com",\n    "firestore.googleapis.com",\n'],
  ["23/1", "Cloud Build enabled again", "apis.tf", '    "firestore.googleapis.com",\n', '    "cloudbuild.googleapis.com",\n    "firestore.googleapis.com",\n'],
  ["23/1", "a gcloud run step back", "functions.tf", "resource \"google_cloud_run_v2_service\" \"function\" {", "resource \"terraform_data\" \"boost\" {\n  provisioner \"local-exec\" {\n    command = \"gcloud run services update ${var.name_prefix}-router --region=${var.region} --cpu-boost\"\n  }\n}\n\nresource \"google_cloud_run_v2_service\" \"function\" {"],
  ["23/1", "invoker check fixed for every function", "functions.tf", "invoker_iam_disabled = each.value.public", "invoker_iam_disabled = true"],
  [7, "no startup CPU boost for the router", "functions.tf", "      boost         = true\n      memory        = \"1Gi\"", "      boost         = false\n      memory        = \"1Gi\""],
  ["23/1", "the sweeper below 1 vCPU without the first-generation environment", "functions.tf", "environment = \"EXECUTION_ENVIRONMENT_GEN1\"", "environment = null"],
  ["23/1", "a function serves another class", "functions.tf", "        value = each.value.entry_point", "        value = \"dev.videocall.functions.RouterFunction\""],
  ["23/1", "functions run a fixed image", "functions.tf", "      image = data.google_artifact_registry_docker_image.functions.self_link", "      image = \"us-docker.pkg.dev/cloudrun/container/hello\""],
  [3, "invoker check back on", "gateway.tf", "invoker_iam_disabled = true", "invoker_iam_disabled = false"],
  [3, "allUsers binding back", "iam.tf", "resource \"google_cloud_run_v2_service_iam_member\" \"push_invokes_router\" {", "resource \"google_cloud_run_v2_service_iam_member\" \"public\" {\n  name     = google_cloud_run_v2_service.gateway.name\n  location = var.region\n  role     = \"roles/run.invoker\"\n  member   = \"allUsers\"\n}\n\nresource \"google_cloud_run_v2_service_iam_member\" \"push_invokes_router\" {"],
  [4, "a second Maven run", "build.tf", "resource \"terraform_data\" \"build\" {", "resource \"terraform_data\" \"prebuild\" {\n  provisioner \"local-exec\" {\n    command = \"mvn -q package\"\n  }\n}\n\nresource \"terraform_data\" \"build\" {"],
  [4, "Maven run twice in the build", "scripts/build-images", "mvn -B -q -DskipTests -pl gateway-gcp,functions -am \\", "mvn -B -q -DskipTests -pl functions -am package\nmvn -B -q -DskipTests -pl gateway-gcp,functions -am \\"],
  [4, "token on the command line", "scripts/build-images", "  -Djib.to.credHelper=gcloud \\", "  \"-Djib.to.auth.password=$(gcloud auth print-access-token)\" \\"],
  ["23/3", "plain mvn on the default JDK", "scripts/build-images", "JAVA_HOME=$(scripts/java-home)", "JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/default-java}"],
  [5, "probe budget too short", "gateway.tf", "failure_threshold = 240", "failure_threshold = 60"],
  [5, "probe budget above Cloud Run's limit", "gateway.tf", "failure_threshold = 240", "failure_threshold = 300"],
  [5, "probe timeout over its period", "gateway.tf", "timeout_seconds       = 1", "timeout_seconds       = 2"],
  ["28/1", "a startup probe every 2 s", "gateway.tf", "period_seconds    = 1\n    failure_threshold = 240", "period_seconds    = 2\n    failure_threshold = 120"],
  ["23/4", "a billed liveness probe back", "gateway.tf", "        http_get {\n          path = \"/healthz\"\n        }\n      }\n", "        http_get {\n          path = \"/healthz\"\n        }\n      }\n      liveness_probe {\n        http_get {\n          path = \"/healthz\"\n        }\n      }\n"],
  [6, "gateway image not content-addressed", "build.tf", "gateway_image   = \"${local.registry}/gateway:${local.gateway_source_hash}\"", "gateway_image   = \"${local.registry}/gateway:latest\""],
  [6, "build step pushes every time", "scripts/build-images", "! gcloud artifacts docker images describe \"$1\" --quiet >/dev/null 2>&1", "true"],
  ["23/5", "image read again at every build", "build.tf", "  image_name    = \"functions:${terraform_data.functions_image.output.tag}\"\n", "  image_name    = \"functions:${local.functions_source_hash}\"\n  depends_on    = [terraform_data.build]\n"],
  ["23/5", "a step re-run by a value the API changes", "build.tf", "    functions_image = local.functions_image\n  }", "    functions_image = local.functions_image\n    repository      = google_artifact_registry_repository.images.update_time\n  }"],
  [7, "router below a full vCPU", "functions.tf", "      cpu           = \"1\"\n      environment   = null # Cloud Run's choice", "      cpu           = \"0.5\"\n      environment   = null # Cloud Run's choice"],
  [7, "router one request at a time", "variables.tf", "  default     = 40", "  default     = 1"],
  [7, "router memory back to 512 MiB", "functions.tf", "      memory        = \"1Gi\"", "      memory        = \"512Mi\""],
  [7, "five delivery attempts again", "variables.tf", "  default     = 15", "  default     = 5"],
  [7, "long maximum backoff", "variables.tf", "  default     = 10\n  validation {\n    condition     = var.router_push_max_backoff_seconds", "  default     = 60\n  validation {\n    condition     = var.router_push_max_backoff_seconds"],
  ["23/4", "ack deadline below the router's timeout", "pubsub.tf", "ack_deadline_seconds = local.router_timeout_seconds", "ack_deadline_seconds = 10"],
  ["23/4", "gateway may scale past a new project's quota", "variables.tf", "  default     = 5\n  validation {\n    condition     = var.gateway_max_instances", "  default     = 20\n  validation {\n    condition     = var.gateway_max_instances"],
  ["23/4", "router fixed at 20 instances", "functions.tf", "      max_instances = var.router_max_instances", "      max_instances = 20"],
  ["23/4", "every deployment on the (default) database", "firestore.tf", "  name        = var.name_prefix", "  name        = \"(default)\""],
  ["23/4", "the gateway on another database", "gateway.tf", "        name  = \"FIRESTORE_DATABASE\"\n        value = google_firestore_database.presence.name", "        name  = \"FIRESTORE_DATABASE\"\n        value = \"(default)\""],
  ["23/4", "global Pub/Sub endpoint", "pubsub.tf", "pubsub_endpoint = \"${var.region}-pubsub.googleapis.com:443\"", "pubsub_endpoint = \"pubsub.googleapis.com:443\""],
  [8, "update back in the gateway role", "iam.tf", "    \"pubsub.subscriptions.delete\",\n  ]", "    \"pubsub.subscriptions.delete\",\n    \"pubsub.subscriptions.update\",\n  ]"],
  [8, "get back in the gateway role", "iam.tf", "    \"pubsub.subscriptions.delete\",\n  ]", "    \"pubsub.subscriptions.delete\",\n    \"pubsub.subscriptions.get\",\n  ]"],
  [8, "gateway gets roles/pubsub.editor", "iam.tf", "  role    = google_project_iam_custom_role.gateway_subscriptions.id", "  role    = \"roles/pubsub.editor\""],
  [8, "attach granted more widely", "iam.tf", "  permissions = [\"pubsub.topics.attachSubscription\"]", "  permissions = [\"pubsub.topics.attachSubscription\", \"pubsub.topics.publish\"]"],
  [8, "attach granted on the wrong topic", "iam.tf", "  topic  = google_pubsub_topic.egress.id\n  role   = google_project_iam_custom_role.attach_egress.id", "  topic  = google_pubsub_topic.ingress.id\n  role   = google_project_iam_custom_role.attach_egress.id"],
  [8, "subscription prefix changed", "gateway.tf", "egress_subscription_prefix = \"${var.name_prefix}-egress-\"", "egress_subscription_prefix = \"${var.name_prefix}-\""],
  [8, "a declared subscription shares the gateway prefix", "pubsub.tf", "name                    = \"${var.name_prefix}-router-push\"", "name                    = \"${var.name_prefix}-egress-router-push\""],
  [9, "cleanup policy KEEP only", "build.tf", "    action = \"DELETE\"", "    action = \"KEEP\""],
  [9, "cleanup as dry run", "build.tf", "cleanup_policy_dry_run = false", "cleanup_policy_dry_run = true"],
  [9, "router open to the internet", "functions.tf", "      # Only Pub/Sub push reaches it; Pub/Sub in the same project counts as internal traffic.\n      ingress = \"INGRESS_TRAFFIC_INTERNAL_ONLY\"", "      ingress = \"INGRESS_TRAFFIC_ALL\""],
  [9, "sweeper open to the internet", "functions.tf", "      # Only Cloud Scheduler (same project, run.app URL) calls it.\n      ingress = \"INGRESS_TRAFFIC_INTERNAL_ONLY\"", "      ingress = \"INGRESS_TRAFFIC_ALL\""],
  [9, "Pub/Sub agent no longer created", "iam.tf", "--service=pubsub.googleapis.com", "--service=run.googleapis.com"],
  [9, "dead-letter grant races the agent", "iam.tf", "  role   = \"roles/pubsub.publisher\"\n  member = local.pubsub_agent\n\n  depends_on = [time_sleep.identities_ready]", "  role   = \"roles/pubsub.publisher\"\n  member = local.pubsub_agent"],
  [9, "default network back", "turn.tf", "  network = google_compute_network.turn[0].id\n\n  allow {", "  network = \"default\"\n\n  allow {"],
  [9, "no TLS port on the TURN firewall", "turn.tf", "[\"3478\", \"443\", \"80\"]", "[\"3478\", \"80\"]"],
  [9, "no turns: URL", "turn.tf", "turns:${var.turn_tls_domain}:443", "turn:${var.turn_tls_domain}:3478"],
  [9, "Jib base image from Docker Hub", "variables.tf", "mirror.gcr.io/library/eclipse-temurin:21-jre", "eclipse-temurin:21-jre"],
  [9, "Jib base image from docker.io", "variables.tf", "mirror.gcr.io/library/eclipse-temurin:21-jre", "docker.io/library/eclipse-temurin:21-jre"],
  [9, "base image not passed to Jib", "scripts/build-images", "\"-Djib.from.image=$BASE_IMAGE\"", "-Djib.console=plain"],
  // Issue 12, finding 5: only the owner creates calls.
  ["12/5", "CreateCall without the owner key", "functions.tf", "secrets = merge(local.signing_key_secret, local.owner_key_secret)", "secrets = local.signing_key_secret"],
  ["12/5", "the router gets the owner key", "functions.tf", "      secrets = merge(local.signing_key_secret, local.turn_secret)", "      secrets = merge(local.signing_key_secret, local.turn_secret, local.owner_key_secret)"],
  ["12/5", "the gateway may read the owner key", "iam.tf", "  member    = \"serviceAccount:${google_service_account.create_call.email}\"\n\n  depends_on = [time_sleep.identities_ready]\n}\n\n# The TURN secret", "  member    = \"serviceAccount:${google_service_account.gateway.email}\"\n\n  depends_on = [time_sleep.identities_ready]\n}\n\n# The TURN secret"],
  ["12/5", "the owner key output not sensitive", "outputs.tf", "  sensitive   = true", "  sensitive   = false"],
  ["12/5", "call_creators back", "variables.tf", "variable \"invite_ttl_hours\" {", "variable \"call_creators\" {\n  type    = list(string)\n  default = []\n}\n\nvariable \"invite_ttl_hours\" {"],
  ["12/5", "an invoker grant on CreateCall", "iam.tf", "resource \"google_cloud_run_v2_service_iam_member\" \"scheduler_invokes_sweeper\" {", "resource \"google_cloud_run_v2_service_iam_member\" \"owner_invokes_create_call\" {\n  location = var.region\n  name     = google_cloud_run_v2_service.function[\"create-call\"].name\n  role     = \"roles/run.invoker\"\n  member   = \"user:me@example.com\"\n}\n\nresource \"google_cloud_run_v2_service_iam_member\" \"scheduler_invokes_sweeper\" {"],
  ["12/5", "CreateCall left behind the invoker check", "functions.tf", "      ingress = \"INGRESS_TRAFFIC_ALL\"\n      public  = true", "      ingress = \"INGRESS_TRAFFIC_ALL\"\n      public  = false"],
  ["12/5", "the gateway does not tell the page where CreateCall is", "gateway.tf", "        value = local.create_call_url", "        value = \"/api/calls\""],
  ["12/5", "the page is told another URL", "functions.tf", "${var.name_prefix}-create-call-${data.google_project.this.number}", "${var.name_prefix}-router-${data.google_project.this.number}"],
  ["12/5", "CreateCall refuses the gateway's other URL", "functions.tf", "concat(var.allowed_origins, google_cloud_run_v2_service.gateway.urls)", "var.allowed_origins"],
  ["12/5", "CreateCall gets the TURN secret", "functions.tf", "secrets = merge(local.signing_key_secret, local.owner_key_secret)", "secrets = merge(local.signing_key_secret, local.owner_key_secret, local.turn_secret)"],
  // Issue 11, goal 5: the cost of a call and of an idle site.
  ["11/5", "gateway back on instance-based billing", "gateway.tf", "cpu_idle          = true", "cpu_idle          = false"],
  ["11/5", "a gateway kept warm by default", "variables.tf", "(docs/deploy.md).\"\n  type        = number\n  default     = 0", "(docs/deploy.md).\"\n  type        = number\n  default     = 1"],
  ["11/5", "min instances fixed in the service", "gateway.tf", "min_instance_count = var.gateway_min_instances", "min_instance_count = 1"],
  ["11/5", "functions kept warm", "functions.tf", "      min_instance_count = 0", "      min_instance_count = 1"],
];

let failures = 0;
for (const [n, what, file, from, to] of mutations) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tf-policy-"));
  fs.cpSync(source, tmp, { recursive: true, filter: (f) => !f.includes(".terraform") });
  const text = fs.readFileSync(path.join(tmp, file), "utf8");
  if (!text.includes(from)) {
    console.log(`SETUP  finding ${n}: "${what}": text to break not found in ${file}`);
    failures++;
    continue;
  }
  fs.writeFileSync(path.join(tmp, file), text.replace(from, () => to));
  const res = spawnSync(process.execPath, ["--test", path.join(here, "policy.test.mjs")], {
    env: { ...process.env, TF_POLICY_DIR: tmp }, encoding: "utf8",
  });
  fs.rmSync(tmp, { recursive: true, force: true });
  const out = res.stdout + res.stderr;
  // Issue 10's findings are numbers; issue 12's are "issue/finding"; issue 11's goal 5 is "11/5";
  // issue 23's and 28's are "23/item", "28/item".
  const label = typeof n === "number" ? `(?<!issue \\d+ )finding ${n} regressed`
    : n === "11/5" ? "issue 11 goal 5 \\(cost\\) regressed"
    : n.startsWith("23/") || n.startsWith("28/") ? `issue ${n.split("/")[0]} item ${n.split("/")[1]} regressed`
    : `issue ${n.split("/")[0]} finding ${n.split("/")[1]} regressed`;
  const named = new RegExp(label).test(out);
  if (res.status !== 0 && named) console.log(`caught finding ${n}: ${what}`);
  else {
    console.log(`MISSED finding ${n}: ${what} (exit ${res.status})`);
    failures++;
  }
}
console.log(`${mutations.length - failures} of ${mutations.length} mutations caught`);
process.exit(failures ? 1 : 0);
