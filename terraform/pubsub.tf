# Every topic and subscription the design needs is declared here; the only ones created at run time
# are each gateway instance's own egress subscription, named "<name_prefix>-egress-<gatewayId>" (it
# deletes it on shutdown, and an unused one expires after a day).

locals {
  # Every message carries an ordering key, and Pub/Sub keeps order only among messages published in
  # one region: the gateway and the router publish through the region's own endpoint, as Google
  # recommends for ordering keys, instead of the global one (which may route to any region).
  pubsub_endpoint = "${var.region}-pubsub.googleapis.com:443"
}

resource "google_pubsub_topic" "ingress" {
  name       = "${var.name_prefix}-signal-ingress"
  depends_on = [time_sleep.apis_ready]
}

resource "google_pubsub_topic" "egress" {
  name       = "${var.name_prefix}-signal-egress"
  depends_on = [time_sleep.apis_ready]
}

resource "google_pubsub_topic" "dead_letter" {
  name       = "${var.name_prefix}-signal-dead-letter"
  depends_on = [time_sleep.apis_ready]
}

# Keeps poison messages for a week so a person can look at them.
resource "google_pubsub_subscription" "dead_letter" {
  name                       = "${var.name_prefix}-signal-dead-letter-inspect"
  topic                      = google_pubsub_topic.dead_letter.id
  message_retention_duration = "604800s"
  ack_deadline_seconds       = 60

  expiration_policy {
    ttl = ""
  }
}

# The router is an HTTP function behind this push subscription, not an Eventarc trigger: only a
# subscription we declare can have message ordering, which keeps each connection's frames in order.
resource "google_pubsub_subscription" "router_push" {
  name                    = "${var.name_prefix}-router-push"
  topic                   = google_pubsub_topic.ingress.id
  enable_message_ordering = true
  # A push is answered within the router's request timeout; Pub/Sub must not redeliver a message
  # while the router is still handling it.
  ack_deadline_seconds = local.router_timeout_seconds
  # Signaling older than ten minutes is useless; keep the minimum retention.
  message_retention_duration = "600s"

  push_config {
    push_endpoint = google_cloud_run_v2_service.function["router"].uri

    oidc_token {
      service_account_email = google_service_account.push_invoker.email
      audience              = google_cloud_run_v2_service.function["router"].uri
    }
  }

  # A burst that meets cold router instances sees 429/5xx for a few seconds. Retry soon and often
  # enough to outlast that (about two minutes in all) before a message is dead-lettered; an ordered
  # key waits for its failed message, so a long backoff would stall that connection's signaling.
  retry_policy {
    minimum_backoff = "1s"
    maximum_backoff = "${var.router_push_max_backoff_seconds}s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = var.router_push_max_delivery_attempts
  }

  expiration_policy {
    ttl = ""
  }

  depends_on = [
    google_pubsub_topic_iam_member.dead_letter_publisher,
    google_service_account_iam_member.pubsub_mints_push_tokens,
    google_cloud_run_v2_service_iam_member.push_invokes_router,
  ]
}
