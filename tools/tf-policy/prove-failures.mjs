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

// [finding (issue 10's number, "12/5" for issue 12's finding 5, "11/5" for issue 11's goal 5), what is broken, file, text to replace, replacement]
const mutations = [
  [1, "cloudresourcemanager API removed", "apis.tf", '    "cloudresourcemanager.googleapis.com",\n', ""],
  [1, "API wait no longer follows the enablement", "apis.tf", "join(\",\", sort(keys(google_project_service.apis)))", "\"none\""],
  [2, "builds back on the default account", "functions.tf", "service_account   = google_service_account.function_build.id", "service_account   = null"],
  [2, "builds push elsewhere", "functions.tf", "docker_repository = google_artifact_registry_repository.images.id", "docker_repository = null"],
  [2, "build account without log writer", "iam.tf", '    "roles/logging.logWriter",\n', ""],
  [2, "build account without source read", "iam.tf", '    "roles/storage.objectViewer",\n', ""],
  [2, "build account gets Editor", "iam.tf", '    "roles/storage.objectViewer",\n', '    "roles/storage.objectViewer",\n    "roles/editor",\n'],
  [2, "build account cannot push", "iam.tf", 'role       = "roles/artifactregistry.writer"', 'role       = "roles/artifactregistry.reader"'],
  [2, "functions no longer wait for grants", "functions.tf", "    time_sleep.iam_propagation,\n    google_secret_manager_secret_version.invite_signing_keys,", "    google_secret_manager_secret_version.invite_signing_keys,"],
  [2, "propagation wait ignores build grants", "iam.tf", "      [for m in google_project_iam_member.function_build : m.id],\n", ""],
  [3, "invoker check back on", "gateway.tf", "invoker_iam_disabled = true", "invoker_iam_disabled = false"],
  [3, "allUsers binding back", "iam.tf", "resource \"google_cloud_run_service_iam_member\" \"push_invokes_router\" {", "resource \"google_cloud_run_v2_service_iam_member\" \"public\" {\n  name     = google_cloud_run_v2_service.gateway.name\n  location = var.region\n  role     = \"roles/run.invoker\"\n  member   = \"allUsers\"\n}\n\nresource \"google_cloud_run_service_iam_member\" \"push_invokes_router\" {"],
  [4, "a second Maven run", "functions.tf", "command = \"gcloud run services update", "command = \"mvn -q package && gcloud run services update"],
  [4, "Maven run twice in the build", "build.tf", "        mvn -B -q -DskipTests -pl gateway-gcp,functions -am \"$${goals[@]}\"", "        mvn -B -q -DskipTests -pl functions -am package\n        mvn -B -q -DskipTests -pl gateway-gcp,functions -am \"$${goals[@]}\""],
  [4, "Jib not limited to gateway-gcp", "build.tf", "'-Djib.containerize=:videocall-gateway-gcp'", "'-Djib.console=plain'"],
  [4, "token on the command line", "build.tf", "'-Djib.to.credHelper=gcloud'", "\"-Djib.to.auth.password=$(gcloud auth print-access-token)\""],
  [5, "probe budget too short", "gateway.tf", "failure_threshold = 120", "failure_threshold = 30"],
  [5, "probe budget above Cloud Run's limit", "gateway.tf", "failure_threshold = 120", "failure_threshold = 150"],
  [5, "probe timeout not below its period", "gateway.tf", "timeout_seconds       = 1", "timeout_seconds       = 2"],
  [6, "zip uploaded by Terraform from a local file", "build.tf", "# One build for both deployables.", "resource \"google_storage_bucket_object\" \"functions\" {\n  name   = local.functions_object\n  bucket = google_storage_bucket.sources.name\n  source = \"${path.module}/.build/x.zip\"\n}\n\n# One build for both deployables."],
  [6, "functions name a fixed object", "functions.tf", "object = terraform_data.functions_source.output.object", "object = \"functions.zip\""],
  [6, "object name not content-addressed", "build.tf", "functions_object = \"functions-${local.functions_source_hash}.zip\"", "functions_object = \"functions.zip\""],
  [6, "build step no longer uploads", "build.tf", "gcloud storage cp \"$work/functions.zip\" \"$object\"", "echo \"$work/functions.zip\""],
  [6, "build step uploads every time", "build.tf", "if gcloud storage objects describe \"$object\" >/dev/null 2>&1; then need_zip=no; fi", "need_zip=yes"],
  [6, "age-based deletion back on the bucket", "build.tf", "  force_destroy               = true\n", "  force_destroy               = true\n  lifecycle_rule {\n    condition {\n      age = 30\n    }\n    action {\n      type = \"Delete\"\n    }\n  }\n"],
  [7, "router below a full vCPU", "functions.tf", "      cpu           = \"1\"", "      cpu           = \"0.5\""],
  [7, "router one request at a time", "variables.tf", "  default     = 40", "  default     = 1"],
  [7, "router memory back to 512 MiB", "functions.tf", "      memory_mib    = 1024", "      memory_mib    = 512"],
  [7, "C1 compilation dropped", "functions.tf", " -XX:TieredStopAtLevel=1", ""],
  [7, "buildpack heap sizing lost", "functions.tf", "-XX:MaxRAM=${f.memory_mib}m -XX:MaxRAMPercentage=70 ", ""],
  [7, "JAVA_TOOL_OPTIONS not passed", "functions.tf", "environment_variables            = merge(each.value.env, { JAVA_TOOL_OPTIONS = local.function_java_tool_options[each.key] })", "environment_variables            = each.value.env"],
  [7, "startup CPU boost off", "variables.tf", "(not exposed by the Cloud Functions API).\"\n  type        = bool\n  default     = true", "(not exposed by the Cloud Functions API).\"\n  type        = bool\n  default     = false"],
  [7, "five delivery attempts again", "variables.tf", "  default     = 15", "  default     = 5"],
  [7, "long maximum backoff", "variables.tf", "  default     = 10\n  validation {\n    condition     = var.router_push_max_backoff_seconds", "  default     = 60\n  validation {\n    condition     = var.router_push_max_backoff_seconds"],
  [8, "update back in the gateway role", "iam.tf", "    \"pubsub.subscriptions.delete\",\n  ]", "    \"pubsub.subscriptions.delete\",\n    \"pubsub.subscriptions.update\",\n  ]"],
  [8, "get back in the gateway role", "iam.tf", "    \"pubsub.subscriptions.delete\",\n  ]", "    \"pubsub.subscriptions.delete\",\n    \"pubsub.subscriptions.get\",\n  ]"],
  [8, "gateway gets roles/pubsub.editor", "iam.tf", "  role    = google_project_iam_custom_role.gateway_subscriptions.id", "  role    = \"roles/pubsub.editor\""],
  [8, "attach granted more widely", "iam.tf", "  permissions = [\"pubsub.topics.attachSubscription\"]", "  permissions = [\"pubsub.topics.attachSubscription\", \"pubsub.topics.publish\"]"],
  [8, "attach granted on the wrong topic", "iam.tf", "  topic  = google_pubsub_topic.egress.id\n  role   = google_project_iam_custom_role.attach_egress.id", "  topic  = google_pubsub_topic.ingress.id\n  role   = google_project_iam_custom_role.attach_egress.id"],
  [8, "subscription prefix changed", "gateway.tf", "egress_subscription_prefix = \"${var.name_prefix}-egress-\"", "egress_subscription_prefix = \"${var.name_prefix}-\""],
  [8, "a declared subscription shares the gateway prefix", "pubsub.tf", "name                    = \"${var.name_prefix}-router-push\"", "name                    = \"${var.name_prefix}-egress-router-push\""],
  [9, "cleanup policy KEEP only", "build.tf", "    action = \"DELETE\"", "    action = \"KEEP\""],
  [9, "cleanup as dry run", "build.tf", "cleanup_policy_dry_run = false", "cleanup_policy_dry_run = true"],
  [9, "router open to the internet", "functions.tf", "      # Only Pub/Sub push reaches it; Pub/Sub in the same project counts as internal traffic.\n      ingress = \"ALLOW_INTERNAL_ONLY\"", "      ingress = \"ALLOW_ALL\""],
  [9, "sweeper open to the internet", "functions.tf", "      # Only Cloud Scheduler (same project, run.app URL) calls it.\n      ingress = \"ALLOW_INTERNAL_ONLY\"", "      ingress = \"ALLOW_ALL\""],
  [9, "Pub/Sub agent no longer created", "iam.tf", "--service=pubsub.googleapis.com", "--service=run.googleapis.com"],
  [9, "dead-letter grant races the agent", "iam.tf", "  role   = \"roles/pubsub.publisher\"\n  member = local.pubsub_agent\n\n  depends_on = [time_sleep.identities_ready]", "  role   = \"roles/pubsub.publisher\"\n  member = local.pubsub_agent"],
  [9, "default network back", "turn.tf", "  network = google_compute_network.turn[0].id\n\n  allow {", "  network = \"default\"\n\n  allow {"],
  [9, "no TLS port on the TURN firewall", "turn.tf", "[\"3478\", \"443\", \"80\"]", "[\"3478\", \"80\"]"],
  [9, "no turns: URL", "turn.tf", "turns:${var.turn_tls_domain}:443", "turn:${var.turn_tls_domain}:3478"],
  [9, "Jib base image from Docker Hub", "variables.tf", "mirror.gcr.io/library/eclipse-temurin:21-jre", "eclipse-temurin:21-jre"],
  [9, "Jib base image from docker.io", "variables.tf", "mirror.gcr.io/library/eclipse-temurin:21-jre", "docker.io/library/eclipse-temurin:21-jre"],
  [9, "base image not passed to Jib", "build.tf", "'-Djib.from.image=${var.jib_base_image}'", "'-Djib.console=plain'"],
  // Issue 12, finding 5: only the owner creates calls.
  ["12/5", "CreateCall without the owner key", "functions.tf", "secrets = merge(local.signing_key_secret, local.owner_key_secret)", "secrets = local.signing_key_secret"],
  ["12/5", "the router gets the owner key", "functions.tf", "      secrets = merge(local.signing_key_secret, local.turn_secret)", "      secrets = merge(local.signing_key_secret, local.turn_secret, local.owner_key_secret)"],
  ["12/5", "the gateway may read the owner key", "iam.tf", "  member    = \"serviceAccount:${google_service_account.create_call.email}\"\n\n  depends_on = [time_sleep.identities_ready]\n}\n\n# The TURN secret", "  member    = \"serviceAccount:${google_service_account.gateway.email}\"\n\n  depends_on = [time_sleep.identities_ready]\n}\n\n# The TURN secret"],
  ["12/5", "the owner key output not sensitive", "outputs.tf", "  sensitive   = true", "  sensitive   = false"],
  ["12/5", "call_creators back", "variables.tf", "variable \"invite_ttl_hours\" {", "variable \"call_creators\" {\n  type    = list(string)\n  default = []\n}\n\nvariable \"invite_ttl_hours\" {"],
  ["12/5", "an invoker grant on CreateCall", "iam.tf", "resource \"google_cloud_run_service_iam_member\" \"scheduler_invokes_sweeper\" {", "resource \"google_cloud_run_service_iam_member\" \"owner_invokes_create_call\" {\n  location = var.region\n  service  = google_cloudfunctions2_function.function[\"create-call\"].service_config[0].service\n  role     = \"roles/run.invoker\"\n  member   = \"user:me@example.com\"\n}\n\nresource \"google_cloud_run_service_iam_member\" \"scheduler_invokes_sweeper\" {"],
  ["12/5", "CreateCall left behind the invoker check", "functions.tf", "--no-invoker-iam-check", "--cpu-boost"],
  ["12/5", "the gateway does not tell the page where CreateCall is", "gateway.tf", "        value = local.create_call_url", "        value = \"/api/calls\""],
  ["12/5", "the page is told another URL", "functions.tf", "cloudfunctions.net/${var.name_prefix}-create-call", "cloudfunctions.net/${var.name_prefix}-router"],
  ["12/5", "CreateCall gets the TURN secret", "functions.tf", "secrets = merge(local.signing_key_secret, local.owner_key_secret)", "secrets = merge(local.signing_key_secret, local.owner_key_secret, local.turn_secret)"],
  // Issue 11, goal 5: the cost of a call and of an idle site.
  ["11/5", "gateway back on instance-based billing", "gateway.tf", "cpu_idle          = true", "cpu_idle          = false"],
  ["11/5", "a gateway kept warm by default", "variables.tf", "(docs/deploy.md).\"\n  type        = number\n  default     = 0", "(docs/deploy.md).\"\n  type        = number\n  default     = 1"],
  ["11/5", "min instances fixed in the service", "gateway.tf", "min_instance_count = var.gateway_min_instances", "min_instance_count = 1"],
];

let failures = 0;
for (const [n, what, file, from, to] of mutations) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tf-policy-"));
  for (const f of fs.readdirSync(source).filter((x) => x.endsWith(".tf"))) fs.copyFileSync(path.join(source, f), path.join(tmp, f));
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
  // Issue 10's findings are numbers; issue 12's are "issue/finding"; issue 11's goal 5 is "11/5".
  const label = typeof n === "number" ? `(?<!issue \\d+ )finding ${n} regressed`
    : n === "11/5" ? "issue 11 goal 5 \\(cost\\) regressed" : `issue ${n.split("/")[0]} finding ${n.split("/")[1]} regressed`;
  const named = new RegExp(label).test(out) || (n === 8 && /no longer reads BACKEND/.test(out));
  if (res.status !== 0 && named) console.log(`caught finding ${n}: ${what}`);
  else {
    console.log(`MISSED finding ${n}: ${what} (exit ${res.status})`);
    failures++;
  }
}
console.log(`${mutations.length - failures} of ${mutations.length} mutations caught`);
process.exit(failures ? 1 : 0);
