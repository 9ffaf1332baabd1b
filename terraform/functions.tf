# The three functions (router, CreateCall, sweeper): Functions Framework entry points, each run by
# the Functions Framework invoker on a Cloud Run service of its own, from one image that the build
# step (build.tf) pushes with Jib. Why Cloud Run services and not google_cloudfunctions2_function or
# build_config: docs/deploy.md, "How the functions are deployed".

locals {
  function_env = {
    GOOGLE_CLOUD_PROJECT     = var.project_id
    EGRESS_TOPIC             = google_pubsub_topic.egress.name
    PUBSUB_ENDPOINT          = local.pubsub_endpoint
    FIRESTORE_DATABASE       = google_firestore_database.presence.name
    HEARTBEAT_WINDOW_SECONDS = tostring(var.heartbeat_window_seconds)
    INVITE_TTL_SECONDS       = tostring(var.invite_ttl_hours * 3600)
    STUN_URLS                = join(",", var.stun_urls)
    TURN_URLS                = join(",", local.turn_urls)
  }

  signing_key_secret = { INVITE_SIGNING_KEYS = google_secret_manager_secret.invite_signing_keys.secret_id }
  owner_key_secret   = { OWNER_KEY = google_secret_manager_secret.owner_key.secret_id }
  turn_secret        = var.enable_turn ? { TURN_SECRET = google_secret_manager_secret.turn[0].secret_id } : {}

  # Cloud Run gives every service a deterministic URL, https://NAME-PROJECT_NUMBER.REGION.run.app,
  # known before the service exists. The gateway tells the page this URL (CREATE_CALL_URL) while
  # CreateCall's PUBLIC_BASE_URL is the gateway's own URL, with no dependency cycle.
  create_call_url = "https://${var.name_prefix}-create-call-${data.google_project.this.number}.${var.region}.run.app"

  # What differs between the three.
  functions = {
    router = {
      entry_point     = "dev.videocall.functions.RouterFunction"
      service_account = google_service_account.router.email
      # A full vCPU, and requests served side by side: below 1 vCPU Cloud Run allows only one
      # request per instance, so a burst of offers would queue behind Java cold starts.
      cpu           = "1"
      environment   = null # Cloud Run's choice
      boost         = true
      memory        = "1Gi"
      concurrency   = var.router_concurrency
      timeout       = "${local.router_timeout_seconds}s"
      max_instances = var.router_max_instances
      # Only Pub/Sub push reaches it; Pub/Sub in the same project counts as internal traffic.
      ingress = "INGRESS_TRAFFIC_INTERNAL_ONLY"
      # Browsers never call it: the push identity must hold run.invoker (iam.tf).
      public  = false
      env     = local.function_env
      secrets = merge(local.signing_key_secret, local.turn_secret)
    }
    create-call = {
      entry_point     = "dev.videocall.functions.CreateCallFunction"
      service_account = google_service_account.create_call.email
      cpu             = "1"
      environment     = null
      boost           = true
      memory          = "512Mi"
      # Its per-address and per-owner limits live in the instance's memory: one instance enforces
      # them exactly, and the owner creates a call now and then.
      concurrency   = 8
      timeout       = "30s"
      max_instances = 1
      # Called by the site's own page from the owner's browser (a phone too), so it is public;
      # it creates calls only for the owner key and answers CORS only for the site's origins.
      ingress = "INGRESS_TRAFFIC_ALL"
      public  = true
      env = {
        INVITE_TTL_SECONDS = tostring(var.invite_ttl_hours * 3600)
        PUBLIC_BASE_URL    = google_cloud_run_v2_service.gateway.uri
        # The page may be opened at either of the gateway's run.app URLs (deterministic or hashed).
        ALLOWED_ORIGINS = join(",", concat(var.allowed_origins, google_cloud_run_v2_service.gateway.urls))
      }
      secrets = merge(local.signing_key_secret, local.owner_key_secret)
    }
    sweeper = {
      entry_point     = "dev.videocall.functions.SweepFunction"
      service_account = google_service_account.sweeper.email
      # Half a vCPU: it runs a few small queries a minute. Below 1 vCPU Cloud Run requires
      # concurrency 1 (Cloud Scheduler's one call a minute is that anyway), request-based billing and
      # the first-generation execution environment.
      cpu         = "0.5"
      environment = "EXECUTION_ENVIRONMENT_GEN1"
      # A scheduled sweep does not wait for anyone: no boost.
      boost         = false
      memory        = "512Mi"
      concurrency   = 1
      timeout       = "120s"
      max_instances = 1
      # Only Cloud Scheduler (same project, run.app URL) calls it.
      ingress = "INGRESS_TRAFFIC_INTERNAL_ONLY"
      public  = false
      env     = merge(local.function_env, { SWEEP_PASSES = tostring(var.sweep_passes) })
      secrets = {}
    }
  }

  # The router answers Pub/Sub within this; the push subscription waits at least as long before it
  # redelivers (pubsub.tf), so a slow request is never redelivered while it still runs.
  router_timeout_seconds = 30
}

resource "google_cloud_run_v2_service" "function" {
  for_each = local.functions

  name                = "${var.name_prefix}-${each.key}"
  location            = var.region
  ingress             = each.value.ingress
  deletion_protection = false

  # CreateCall is called from browsers, which carry no Google identity: like the gateway it is
  # public with the invoker IAM check off (works where domain-restricted sharing refuses allUsers).
  invoker_iam_disabled = each.value.public

  template {
    service_account                  = each.value.service_account
    execution_environment            = each.value.environment
    timeout                          = each.value.timeout
    max_instance_request_concurrency = each.value.concurrency

    scaling {
      min_instance_count = 0
      max_instance_count = each.value.max_instances
    }

    containers {
      image = data.google_artifact_registry_docker_image.functions.self_link

      resources {
        limits = {
          cpu    = each.value.cpu
          memory = each.value.memory
        }
        # Request-based billing, as Cloud Functions bills: nothing while no request runs. A Java
        # start gets extra CPU while it starts (the router's cold start delays the first join).
        cpu_idle          = true
        startup_cpu_boost = each.value.boost
      }

      # The Functions Framework invoker (the image's entrypoint) serves the class named here.
      env {
        name  = "FUNCTION_TARGET"
        value = each.value.entry_point
      }

      dynamic "env" {
        for_each = each.value.env
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = each.value.secrets
        content {
          name = env.key
          value_source {
            secret_key_ref {
              secret  = env.value
              version = "latest"
            }
          }
        }
      }
    }
  }

  depends_on = [
    time_sleep.iam_propagation,
    google_secret_manager_secret_version.invite_signing_keys,
    google_secret_manager_secret_version.turn,
    google_secret_manager_secret_version.owner_key,
    google_firestore_database.presence,
  ]
}
