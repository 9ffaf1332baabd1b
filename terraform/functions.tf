# Three HTTP functions (Cloud Functions gen2, java21) from one prebuilt jar.

locals {
  function_env = {
    GOOGLE_CLOUD_PROJECT     = var.project_id
    EGRESS_TOPIC             = google_pubsub_topic.egress.name
    HEARTBEAT_WINDOW_SECONDS = tostring(var.heartbeat_window_seconds)
    INVITE_TTL_HOURS         = tostring(var.invite_ttl_hours)
    STUN_URLS                = join(",", var.stun_urls)
    TURN_URLS                = join(",", local.turn_urls)
  }
}

resource "google_cloudfunctions2_function" "router" {
  name     = "${var.name_prefix}-router"
  location = var.region

  build_config {
    runtime     = "java21"
    entry_point = "dev.videocall.functions.RouterFunction"
    source {
      storage_source {
        bucket = terraform_data.functions_source.output.bucket
        object = terraform_data.functions_source.output.object
      }
    }
  }

  service_config {
    available_memory      = "512Mi"
    timeout_seconds       = 60
    max_instance_count    = 20
    ingress_settings      = "ALLOW_ALL"
    service_account_email = google_service_account.router.email
    environment_variables = local.function_env

    secret_environment_variables {
      key        = "INVITE_SIGNING_KEYS"
      project_id = var.project_id
      secret     = google_secret_manager_secret.invite_signing_keys.secret_id
      version    = "latest"
    }

    dynamic "secret_environment_variables" {
      for_each = var.enable_turn ? [1] : []
      content {
        key        = "TURN_SECRET"
        project_id = var.project_id
        secret     = google_secret_manager_secret.turn[0].secret_id
        version    = "latest"
      }
    }
  }

  depends_on = [
    time_sleep.iam_propagation,
    google_pubsub_topic_iam_member.egress_publishers,
    google_project_iam_member.firestore_users,
    google_secret_manager_secret_iam_member.signing_key_readers,
    google_secret_manager_secret_iam_member.turn_secret_reader,
    google_secret_manager_secret_version.invite_signing_keys,
    google_firestore_database.presence,
  ]
}

resource "google_cloudfunctions2_function" "create_call" {
  name     = "${var.name_prefix}-create-call"
  location = var.region

  build_config {
    runtime     = "java21"
    entry_point = "dev.videocall.functions.CreateCallFunction"
    source {
      storage_source {
        bucket = terraform_data.functions_source.output.bucket
        object = terraform_data.functions_source.output.object
      }
    }
  }

  service_config {
    available_memory      = "256Mi"
    timeout_seconds       = 30
    max_instance_count    = 2
    ingress_settings      = "ALLOW_ALL"
    service_account_email = google_service_account.create_call.email
    environment_variables = {
      INVITE_TTL_HOURS = tostring(var.invite_ttl_hours)
      PUBLIC_BASE_URL  = google_cloud_run_v2_service.gateway.uri
    }

    secret_environment_variables {
      key        = "INVITE_SIGNING_KEYS"
      project_id = var.project_id
      secret     = google_secret_manager_secret.invite_signing_keys.secret_id
      version    = "latest"
    }
  }

  depends_on = [
    time_sleep.iam_propagation,
    google_secret_manager_secret_iam_member.signing_key_readers,
    google_secret_manager_secret_version.invite_signing_keys,
  ]
}

resource "google_cloudfunctions2_function" "sweeper" {
  name     = "${var.name_prefix}-sweeper"
  location = var.region

  build_config {
    runtime     = "java21"
    entry_point = "dev.videocall.functions.SweepFunction"
    source {
      storage_source {
        bucket = terraform_data.functions_source.output.bucket
        object = terraform_data.functions_source.output.object
      }
    }
  }

  service_config {
    available_memory      = "512Mi"
    timeout_seconds       = 120
    max_instance_count    = 1
    ingress_settings      = "ALLOW_ALL"
    service_account_email = google_service_account.sweeper.email
    environment_variables = merge(local.function_env, { SWEEP_PASSES = tostring(var.sweep_passes) })
  }

  depends_on = [
    time_sleep.iam_propagation,
    google_pubsub_topic_iam_member.egress_publishers,
    google_project_iam_member.firestore_users,
    google_firestore_database.presence,
  ]
}
