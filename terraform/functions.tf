# Three HTTP functions (Cloud Functions gen2, java21) from one prebuilt jar, declared once.

locals {
  function_env = {
    GOOGLE_CLOUD_PROJECT     = var.project_id
    EGRESS_TOPIC             = google_pubsub_topic.egress.name
    HEARTBEAT_WINDOW_SECONDS = tostring(var.heartbeat_window_seconds)
    INVITE_TTL_SECONDS       = tostring(var.invite_ttl_hours * 3600)
    STUN_URLS                = join(",", var.stun_urls)
    TURN_URLS                = join(",", local.turn_urls)
  }

  signing_key_secret = { INVITE_SIGNING_KEYS = google_secret_manager_secret.invite_signing_keys.secret_id }
  owner_key_secret   = { OWNER_KEY = google_secret_manager_secret.owner_key.secret_id }
  turn_secret        = var.enable_turn ? { TURN_SECRET = google_secret_manager_secret.turn[0].secret_id } : {}

  # A 2nd-gen function also answers at https://REGION-PROJECT.cloudfunctions.net/NAME (its `url`),
  # which is known before the function exists. The gateway tells the page this URL (CREATE_CALL_URL)
  # while CreateCall's PUBLIC_BASE_URL is the gateway's own URL, with no dependency cycle.
  create_call_url = "https://${var.region}-${var.project_id}.cloudfunctions.net/${var.name_prefix}-create-call"

  # What differs between the three. memory_mib feeds available_memory and the JVM's heap sizing below.
  functions = {
    router = {
      entry_point     = "dev.videocall.functions.RouterFunction"
      service_account = google_service_account.router.email
      # A full vCPU, and requests served side by side: below 1 vCPU Cloud Run allows only one
      # request per instance, so a burst of offers would queue behind Java cold starts.
      cpu           = "1"
      memory_mib    = 1024
      concurrency   = var.router_concurrency
      timeout       = 60
      max_instances = 20
      # Only Pub/Sub push reaches it; Pub/Sub in the same project counts as internal traffic.
      ingress = "ALLOW_INTERNAL_ONLY"
      env     = local.function_env
      secrets = merge(local.signing_key_secret, local.turn_secret)
    }
    create-call = {
      entry_point     = "dev.videocall.functions.CreateCallFunction"
      service_account = google_service_account.create_call.email
      cpu             = null # the gen2 default for 256 MiB
      memory_mib      = 256
      concurrency     = 1
      timeout         = 30
      max_instances   = 2
      # Called by the site's own page from the owner's browser (a phone too), so it is public
      # (create_call_public below); it creates calls only for the owner key and answers CORS only
      # for the site's origins.
      ingress = "ALLOW_ALL"
      env = {
        INVITE_TTL_SECONDS = tostring(var.invite_ttl_hours * 3600)
        PUBLIC_BASE_URL    = google_cloud_run_v2_service.gateway.uri
        ALLOWED_ORIGINS    = join(",", var.allowed_origins)
      }
      secrets = merge(local.signing_key_secret, local.owner_key_secret)
    }
    sweeper = {
      entry_point     = "dev.videocall.functions.SweepFunction"
      service_account = google_service_account.sweeper.email
      cpu             = null # the gen2 default for 512 MiB
      memory_mib      = 512
      concurrency     = 1
      timeout         = 120
      max_instances   = 1
      # Only Cloud Scheduler (same project, run.app URL) calls it.
      ingress = "ALLOW_INTERNAL_ONLY"
      env     = merge(local.function_env, { SWEEP_PASSES = tostring(var.sweep_passes) })
      secrets = {}
    }
  }

  # Start-up options measured in docs/performance.md. The Java buildpack launches every function
  # with a fixed `java -jar <invoker> --classpath <jar>` and sizes the heap itself only while
  # JAVA_TOOL_OPTIONS is unset; setting it therefore repeats that sizing (70 % of the memory) next
  # to C1-only compilation. Class-data sharing beyond the JDK's default archive cannot be shipped to
  # a gen2 function (docs/deploy.md).
  function_java_tool_options = {
    for name, f in local.functions :
    name => "-XX:MaxRAM=${f.memory_mib}m -XX:MaxRAMPercentage=70 -XX:TieredStopAtLevel=1"
  }
}

resource "google_cloudfunctions2_function" "function" {
  for_each = local.functions

  name     = "${var.name_prefix}-${each.key}"
  location = var.region

  build_config {
    runtime     = "java21"
    entry_point = each.value.entry_point
    # Builds run as their own account with the documented build roles (iam.tf), and push the
    # image to our repository, where the cleanup policy applies.
    service_account   = google_service_account.function_build.id
    docker_repository = google_artifact_registry_repository.images.id
    source {
      storage_source {
        bucket = terraform_data.functions_source.output.bucket
        object = terraform_data.functions_source.output.object
      }
    }
  }

  service_config {
    available_cpu                    = each.value.cpu
    available_memory                 = "${each.value.memory_mib}Mi"
    max_instance_request_concurrency = each.value.concurrency
    timeout_seconds                  = each.value.timeout
    max_instance_count               = each.value.max_instances
    ingress_settings                 = each.value.ingress
    service_account_email            = each.value.service_account
    environment_variables            = merge(each.value.env, { JAVA_TOOL_OPTIONS = local.function_java_tool_options[each.key] })

    dynamic "secret_environment_variables" {
      for_each = each.value.secrets
      content {
        key        = secret_environment_variables.key
        project_id = var.project_id
        secret     = secret_environment_variables.value
        version    = "latest"
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

# CreateCall is called from browsers, which carry no Google identity: like the gateway it is public
# with Cloud Run's invoker IAM check switched off (the way Cloud Run recommends where the
# domain-restricted-sharing policy refuses allUsers), and it admits only the owner key itself.
# The Cloud Functions v2 API has no such field, so the setting is made on the function's Cloud Run
# service, after every change to the function.
resource "terraform_data" "create_call_public" {
  triggers_replace = [google_cloudfunctions2_function.function["create-call"].update_time]

  provisioner "local-exec" {
    command = "gcloud run services update ${google_cloudfunctions2_function.function["create-call"].service_config[0].service} --region=${var.region} --project=${var.project_id} --no-invoker-iam-check --quiet"
  }
}

# Startup CPU boost is a Cloud Run setting that the Cloud Functions v2 API (and so
# google_cloudfunctions2_function) does not expose. A v2 function is a Cloud Run service that may
# also be managed through the Cloud Run Admin API, so the boost is set there, after every change to
# the router (a new function deployment creates a new revision from the function's own settings).
resource "terraform_data" "router_startup_cpu_boost" {
  count            = var.router_startup_cpu_boost ? 1 : 0
  triggers_replace = [google_cloudfunctions2_function.function["router"].update_time]

  provisioner "local-exec" {
    command = "gcloud run services update ${google_cloudfunctions2_function.function["router"].service_config[0].service} --region=${var.region} --project=${var.project_id} --cpu-boost --quiet"
  }
}
