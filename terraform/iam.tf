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
  pubsub_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}

# Gateway: creates its own egress subscription at start-up, pulls from it, and deletes it at
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
}

# The gateway publishes every WebSocket event to ingress, and nothing else.
resource "google_pubsub_topic_iam_member" "gateway_publishes_ingress" {
  topic  = google_pubsub_topic.ingress.id
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${google_service_account.gateway.email}"
}

# Router and sweeper publish deliveries to egress only: they cannot create topics.
resource "google_pubsub_topic_iam_member" "egress_publishers" {
  for_each = {
    router  = google_service_account.router.email
    sweeper = google_service_account.sweeper.email
  }
  topic  = google_pubsub_topic.egress.id
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${each.value}"
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
}

# The TURN secret reaches only the router, which turns it into short-lived credentials.
resource "google_secret_manager_secret_iam_member" "turn_secret_reader" {
  count     = var.enable_turn ? 1 : 0
  secret_id = google_secret_manager_secret.turn[0].id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.router.email}"
}

# Pub/Sub's own service agent forwards undeliverable messages to the dead-letter topic and must be
# allowed to acknowledge them on the source subscription.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  topic  = google_pubsub_topic.dead_letter.id
  role   = "roles/pubsub.publisher"
  member = local.pubsub_agent
}

resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  subscription = google_pubsub_subscription.router_push.id
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent
}

# Invocations: Pub/Sub push may call the router, Cloud Scheduler the sweeper, the owner CreateCall.
# The gateway needs no invoker binding: its invoker IAM check is off (gateway.tf).
resource "google_cloud_run_service_iam_member" "push_invokes_router" {
  location = var.region
  service  = google_cloudfunctions2_function.router.service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.push_invoker.email}"
}

resource "google_cloud_run_service_iam_member" "scheduler_invokes_sweeper" {
  location = var.region
  service  = google_cloudfunctions2_function.sweeper.service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.scheduler.email}"
}

resource "google_cloud_run_service_iam_member" "call_creators" {
  for_each = toset(var.call_creators)
  location = var.region
  service  = google_cloudfunctions2_function.create_call.service_config[0].service
  role     = "roles/run.invoker"
  member   = each.value
}
