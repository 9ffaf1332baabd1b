# One service account per deployable, each with only what it needs.

resource "google_service_account" "gateway" {
  account_id   = "${var.name_prefix}-gateway"
  display_name = "videocall gateway (Cloud Run)"

  depends_on = [time_sleep.apis_ready]
}

resource "google_service_account" "router" {
  account_id   = "${var.name_prefix}-router"
  display_name = "videocall router function"

  depends_on = [time_sleep.apis_ready]
}

resource "google_service_account" "create_call" {
  account_id   = "${var.name_prefix}-create-call"
  display_name = "videocall CreateCall function"

  depends_on = [time_sleep.apis_ready]
}

resource "google_service_account" "sweeper" {
  account_id   = "${var.name_prefix}-sweeper"
  display_name = "videocall presence sweeper function"

  depends_on = [time_sleep.apis_ready]
}

resource "google_service_account" "push_invoker" {
  account_id   = "${var.name_prefix}-push"
  display_name = "Pub/Sub push identity that invokes the router"

  depends_on = [time_sleep.apis_ready]
}

resource "google_service_account" "scheduler" {
  account_id   = "${var.name_prefix}-scheduler"
  display_name = "Cloud Scheduler identity that invokes the sweeper"

  depends_on = [time_sleep.apis_ready]
}

locals {
  pubsub_agent_email = "service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
  pubsub_agent       = "serviceAccount:${local.pubsub_agent_email}"
}

# Pub/Sub's service agent is created "at some point after" the API is enabled and used, and a role
# cannot be granted to an agent that does not exist yet. Ask for it explicitly (idempotent: an
# existing agent is returned as is). An agent created this way does not get its usual project role,
# so the grants below give it, on our own resources only, everything this stack needs from it.
resource "terraform_data" "pubsub_service_agent" {
  triggers_replace = [var.project_id]

  provisioner "local-exec" {
    command = "gcloud beta services identity create --service=pubsub.googleapis.com --project=${var.project_id} --quiet"
  }

  depends_on = [time_sleep.apis_ready]
}

# A new identity is not visible to IAM policy writes everywhere at once (the provider's
# google_service_account page warns of this); grants to it wait a little.
resource "time_sleep" "identities_ready" {
  create_duration = "30s"
  triggers = {
    accounts = join(",", sort([
      google_service_account.gateway.email,
      google_service_account.router.email,
      google_service_account.create_call.email,
      google_service_account.sweeper.email,
      google_service_account.push_invoker.email,
      google_service_account.scheduler.email,
      local.pubsub_agent_email,
    ]))
  }

  depends_on = [terraform_data.pubsub_service_agent]
}

# ---- Gateway -----------------------------------------------------------------------------------
# The gateway creates its own egress subscription at start-up, pulls from it, and deletes it at
# shutdown; it never updates a subscription. Pub/Sub checks subscriptions.create on the project and
# topics.attachSubscription on the topic. Pub/Sub is not among the services that recognise IAM
# Conditions resource attributes (resource.name / resource.type), so consume and delete cannot be
# limited to the "<prefix><gatewayId>" names by a condition: they are granted on the project, and
# without update nothing can re-point router-push (docs/deploy.md, "Gateway permissions").
resource "google_project_iam_custom_role" "gateway_subscriptions" {
  role_id     = replace("${var.name_prefix}_gateway_subscriptions", "-", "_")
  title       = "videocall gateway: own egress subscription"
  description = "Create a subscription, pull from it and delete it. No update, no get, nothing on topics."
  permissions = [
    "pubsub.subscriptions.consume",
    "pubsub.subscriptions.create",
    "pubsub.subscriptions.delete",
  ]

  depends_on = [time_sleep.apis_ready]
}

resource "google_project_iam_member" "gateway_subscriptions" {
  project = var.project_id
  role    = google_project_iam_custom_role.gateway_subscriptions.id
  member  = "serviceAccount:${google_service_account.gateway.email}"

  depends_on = [time_sleep.identities_ready]
}

# Attaching a subscription to a topic needs pubsub.topics.attachSubscription on that topic, and the
# gateway may attach to the egress topic only.
resource "google_project_iam_custom_role" "attach_egress" {
  role_id     = replace("${var.name_prefix}_attach_egress", "-", "_")
  title       = "videocall gateway: attach a subscription to signal-egress"
  description = "Only pubsub.topics.attachSubscription; granted on the egress topic alone."
  permissions = ["pubsub.topics.attachSubscription"]

  depends_on = [time_sleep.apis_ready]
}

resource "google_pubsub_topic_iam_member" "gateway_attaches_to_egress" {
  topic  = google_pubsub_topic.egress.id
  role   = google_project_iam_custom_role.attach_egress.id
  member = "serviceAccount:${google_service_account.gateway.email}"

  depends_on = [time_sleep.identities_ready]
}

# The gateway publishes every WebSocket event to ingress, and nothing else.
resource "google_pubsub_topic_iam_member" "gateway_publishes_ingress" {
  topic  = google_pubsub_topic.ingress.id
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${google_service_account.gateway.email}"

  depends_on = [time_sleep.identities_ready]
}

# ---- Functions at run time ---------------------------------------------------------------------
# Router and sweeper publish deliveries to egress only: they cannot create topics.
resource "google_pubsub_topic_iam_member" "egress_publishers" {
  for_each = {
    router  = google_service_account.router.email
    sweeper = google_service_account.sweeper.email
  }
  topic  = google_pubsub_topic.egress.id
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${each.value}"

  depends_on = [time_sleep.identities_ready]
}

# Presence (router, sweeper) and heartbeats (gateway) live in Firestore.
resource "google_project_iam_member" "firestore_users" {
  for_each = {
    gateway = google_service_account.gateway.email
    router  = google_service_account.router.email
    sweeper = google_service_account.sweeper.email
  }
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${each.value}"

  depends_on = [time_sleep.identities_ready]
}

# The invite-signing key: CreateCall signs with it; the router and the gateway verify with it.
resource "google_secret_manager_secret_iam_member" "signing_key_readers" {
  for_each = {
    gateway     = google_service_account.gateway.email
    router      = google_service_account.router.email
    create_call = google_service_account.create_call.email
  }
  secret_id = google_secret_manager_secret.invite_signing_keys.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${each.value}"

  depends_on = [time_sleep.identities_ready]
}

# The owner key reaches CreateCall alone, which compares it with what a caller presents.
resource "google_secret_manager_secret_iam_member" "owner_key_reader" {
  secret_id = google_secret_manager_secret.owner_key.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.create_call.email}"

  depends_on = [time_sleep.identities_ready]
}

# The TURN secret reaches only the router, which turns it into short-lived credentials.
resource "google_secret_manager_secret_iam_member" "turn_secret_reader" {
  count     = var.enable_turn ? 1 : 0
  secret_id = google_secret_manager_secret.turn[0].id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.router.email}"

  depends_on = [time_sleep.identities_ready]
}

# IAM grants take effect within about two minutes, sometimes longer. Deployments validate some of
# them (a revision whose account cannot read its secret is refused), so the gateway and the
# functions wait once after the grants they rely on. It runs again only when one of these grants is
# replaced.
resource "time_sleep" "iam_propagation" {
  create_duration = "60s"
  triggers = {
    grants = join(",", sort(concat(
      [
        google_project_iam_member.gateway_subscriptions.id,
        google_pubsub_topic_iam_member.gateway_attaches_to_egress.id,
        google_pubsub_topic_iam_member.gateway_publishes_ingress.id,
        google_secret_manager_secret_iam_member.owner_key_reader.id,
      ],
      [for m in google_pubsub_topic_iam_member.egress_publishers : m.id],
      [for m in google_project_iam_member.firestore_users : m.id],
      [for m in google_secret_manager_secret_iam_member.signing_key_readers : m.id],
      [for m in google_secret_manager_secret_iam_member.turn_secret_reader : m.id],
    )))
  }
}

# ---- Pub/Sub's own service agent ---------------------------------------------------------------
# It forwards undeliverable messages to the dead-letter topic and must be allowed to acknowledge
# them on the source subscription, and it mints the OIDC token that authenticates each push as
# the push identity.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  topic  = google_pubsub_topic.dead_letter.id
  role   = "roles/pubsub.publisher"
  member = local.pubsub_agent

  depends_on = [time_sleep.identities_ready]
}

resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  subscription = google_pubsub_subscription.router_push.id
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent

  depends_on = [time_sleep.identities_ready]
}

resource "google_service_account_iam_member" "pubsub_mints_push_tokens" {
  service_account_id = google_service_account.push_invoker.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_agent

  depends_on = [time_sleep.identities_ready]
}

# ---- Invocations -------------------------------------------------------------------------------
# Pub/Sub push may call the router, Cloud Scheduler the sweeper. The gateway and CreateCall need no
# invoker binding: their invoker IAM check is off (gateway.tf, functions.tf), because browsers call
# them; CreateCall admits only the owner key.
resource "google_cloud_run_v2_service_iam_member" "push_invokes_router" {
  location = google_cloud_run_v2_service.function["router"].location
  name     = google_cloud_run_v2_service.function["router"].name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.push_invoker.email}"

  depends_on = [time_sleep.identities_ready]
}

resource "google_cloud_run_v2_service_iam_member" "scheduler_invokes_sweeper" {
  location = google_cloud_run_v2_service.function["sweeper"].location
  name     = google_cloud_run_v2_service.function["sweeper"].name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.scheduler.email}"

  depends_on = [time_sleep.identities_ready]
}
