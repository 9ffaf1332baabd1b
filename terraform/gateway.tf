locals {
  egress_subscription_prefix = "${var.name_prefix}-egress-"

  # 1 s x 240 = 240 s, the most Cloud Run accepts for a startup probe's failure_threshold x period_seconds.
  # Every second: the probe passes as soon as Jetty listens, and traffic waits for it (docs/deploy.md, "Probes").
  gateway_startup_probe = {
    period_seconds    = 1
    failure_threshold = 240
  }
}

resource "google_cloud_run_v2_service" "gateway" {
  name                = "${var.name_prefix}-gateway"
  location            = var.region
  ingress             = "INGRESS_TRAFFIC_ALL"
  deletion_protection = false

  # The page and its WebSocket are public; who may join is decided by the invite token. Cloud Run's
  # recommended way to make a service public is to switch off the invoker IAM check, which works
  # where the domain-restricted-sharing policy refuses an allUsers binding (docs/deploy.md).
  invoker_iam_disabled = true

  template {
    service_account = google_service_account.gateway.email
    # A WebSocket is one request for as long as it is open: Cloud Run's maximum. Pages park their
    # sockets once a call goes peer to peer (docs/protocol.md, "Parking"), so sockets are short; the
    # page reconnects when one ends anyway (1012/1006).
    timeout                          = "3600s"
    max_instance_request_concurrency = var.gateway_concurrency
    # Reconnects of one browser land on the same instance while it lives.
    session_affinity = true

    scaling {
      min_instance_count = var.gateway_min_instances
      max_instance_count = var.gateway_max_instances
    }

    containers {
      image = data.google_artifact_registry_docker_image.gateway.self_link

      ports {
        container_port = 8080
      }

      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
        # Request-based billing: the instance is billed (and has CPU) only while a request is in
        # progress, i.e. while it holds a socket or serves the page. Pages park their sockets during a
        # call, so a ten-minute call bills seconds, not ten minutes. The heartbeat and the egress
        # subscriber stop while no socket is open; the first connection after that wakes them before
        # its open is forwarded (gateway-gcp WakeOnFirstOpen; docs/deploy.md, "What a call costs").
        cpu_idle          = true
        startup_cpu_boost = true
      }

      env {
        name  = "GOOGLE_CLOUD_PROJECT"
        value = var.project_id
      }
      env {
        name  = "PUBSUB_ENDPOINT"
        value = local.pubsub_endpoint
      }
      env {
        name  = "FIRESTORE_DATABASE"
        value = google_firestore_database.presence.name
      }
      env {
        name  = "INGRESS_TOPIC"
        value = google_pubsub_topic.ingress.name
      }
      env {
        name  = "EGRESS_TOPIC"
        value = google_pubsub_topic.egress.name
      }
      # Each instance names its egress subscription <prefix><gatewayId>; nothing else in the project
      # starts with this prefix (router-push and the dead-letter subscription do not).
      env {
        name  = "EGRESS_SUBSCRIPTION_PREFIX"
        value = local.egress_subscription_prefix
      }
      # How long an instance keeps retrying Pub/Sub and Firestore (IAM still propagating on a first
      # apply) while it serves the page, before it exits and Cloud Run starts another
      # (docs/deploy.md, "Started and ready").
      env {
        name  = "STARTUP_TIMEOUT_SECONDS"
        value = "200"
      }
      env {
        name  = "ALLOWED_ORIGINS"
        value = join(",", var.allowed_origins)
      }
      env {
        name  = "TRUST_FORWARDED_FOR"
        value = "true"
      }
      # Where the page creates calls (served to it as /config.json; allowed by its CSP).
      env {
        name  = "CREATE_CALL_URL"
        value = local.create_call_url
      }
      env {
        name  = "MAX_CONNECTIONS"
        value = tostring(var.gateway_concurrency)
      }
      env {
        name = "INVITE_SIGNING_KEYS"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.invite_signing_keys.secret_id
            version = "latest"
          }
        }
      }

      # "Started": the gateway answers /healthz (200) as soon as Jetty listens, before its clouds
      # are connected, so the page is served at once; sockets opened before it is "ready" wait for it
      # (READY_WAIT_SECONDS, then 1013). Probed every second: Cloud Run sends no request until the
      # probe passes, so its period is added to every cold start. The 240 s budget (the most Cloud
      # Run allows) is kept for a JVM start on a starved CPU. No liveness probe: every probe is billed
      # on a request-billed instance, and a crashed process is restarted by Cloud Run without one
      # (docs/deploy.md, "Probes").
      startup_probe {
        initial_delay_seconds = 0
        period_seconds        = local.gateway_startup_probe.period_seconds
        failure_threshold     = local.gateway_startup_probe.failure_threshold
        timeout_seconds       = 1
        http_get {
          path = "/healthz"
        }
      }
    }
  }

  depends_on = [
    time_sleep.iam_propagation,
    google_project_iam_member.gateway_subscriptions,
    google_pubsub_topic_iam_member.gateway_attaches_to_egress,
    google_pubsub_topic_iam_member.gateway_publishes_ingress,
    google_project_iam_member.firestore_users,
    google_secret_manager_secret_iam_member.signing_key_readers,
    google_secret_manager_secret_version.invite_signing_keys,
    google_firestore_database.presence,
  ]
}
