# Builds the two images from this checkout on the machine running `terraform apply`, with Jib (no
# Docker, no Cloud Build): the gateway and the functions (Functions Framework invoker + our jar), in
# ONE Maven invocation, each pushed only if it is not in the repository yet. Both are named by a
# hash of their own sources, so an unchanged tree builds nothing, a change to one deployable pushes
# only that one, and an apply from a fresh clone elsewhere finds the images already in the cloud.

locals {
  # Module layout: see docs/architecture.md. fileset() of a folder or pom that does not exist yet is
  # simply empty, so a module being added or removed changes the hash instead of failing the plan.
  gateway_sources = sort(concat(
    tolist(fileset(var.repo_root, "{contract,gateway,gcp,logging,gateway-gcp}/src/main/**")),
    tolist(fileset(var.repo_root, "web/**")),
    tolist(fileset(var.repo_root, "{contract,gateway,gcp,logging,gateway-gcp}/pom.xml")),
    ["pom.xml"],
  ))
  functions_sources = sort(concat(
    tolist(fileset(var.repo_root, "{contract,core,gcp,logging,functions}/src/main/**")),
    tolist(fileset(var.repo_root, "{contract,core,gcp,logging,functions}/pom.xml")),
    ["pom.xml"],
  ))

  # Paths are part of the hash (a rename is a change); so is the base image both are built on.
  gateway_source_hash = substr(sha256(join("\n", concat(
    [for f in local.gateway_sources : "${f} ${filesha256("${var.repo_root}/${f}")}"],
    ["jib.from.image ${var.jib_base_image}"],
  ))), 0, 16)
  functions_source_hash = substr(sha256(join("\n", concat(
    [for f in local.functions_sources : "${f} ${filesha256("${var.repo_root}/${f}")}"],
    ["jib.from.image ${var.jib_base_image}"],
  ))), 0, 16)

  registry        = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
  gateway_image   = "${local.registry}/gateway:${local.gateway_source_hash}"
  functions_image = "${local.registry}/functions:${local.functions_source_hash}"
}

resource "google_artifact_registry_repository" "images" {
  location      = var.region
  repository_id = "${var.name_prefix}-images"
  format        = "DOCKER"
  description   = "videocall images: the gateway and the functions (Jib)"

  # A KEEP rule alone deletes nothing: deletion needs a DELETE rule, and KEEP wins where both match.
  # Versions older than 30 days go, except the five newest of each image (the one deployed is among
  # them, because every deploy pushes a new version).
  cleanup_policy_dry_run = false

  cleanup_policies {
    id     = "delete-older-than-30-days"
    action = "DELETE"
    condition {
      tag_state  = "ANY"
      older_than = "2592000s"
    }
  }

  cleanup_policies {
    id     = "keep-five-newest"
    action = "KEEP"
    most_recent_versions {
      keep_count = 5
    }
  }

  depends_on = [time_sleep.apis_ready]
}

# One build for both images. Runs when either image name changes (a source changed); the script asks
# the repository for each image first and builds and pushes only what is missing. Its commands are
# run in CI with the real gcloud and Maven against local stand-ins (tools/tf-policy/commands.test.mjs).
resource "terraform_data" "build" {
  triggers_replace = {
    gateway_image   = local.gateway_image
    functions_image = local.functions_image
  }

  provisioner "local-exec" {
    working_dir = var.repo_root
    interpreter = ["/bin/bash", "-c"]
    command     = "terraform/scripts/build-images"
    environment = {
      GATEWAY_IMAGE   = local.gateway_image
      FUNCTIONS_IMAGE = local.functions_image
      BASE_IMAGE      = var.jib_base_image
      JIB_VERSION     = var.jib_plugin_version
    }
  }
}

# What each deployable consumes from the build. Each changes only with its own hash, so a change to
# the functions alone leaves the gateway untouched (no new revision, no dropped WebSockets) and the
# other way round, although both wait for the one build when it runs. (A data source that named the
# build in depends_on would be read again at every build and show both services as changing.)
resource "terraform_data" "gateway_image" {
  input      = { tag = local.gateway_source_hash }
  depends_on = [terraform_data.build]
}

resource "terraform_data" "functions_image" {
  input      = { tag = local.functions_source_hash }
  depends_on = [terraform_data.build]
}

# The digest-qualified names of what was pushed: Cloud Run deploys exactly those images.
data "google_artifact_registry_docker_image" "gateway" {
  location      = var.region
  repository_id = google_artifact_registry_repository.images.repository_id
  image_name    = "gateway:${terraform_data.gateway_image.output.tag}"
}

data "google_artifact_registry_docker_image" "functions" {
  location      = var.region
  repository_id = google_artifact_registry_repository.images.repository_id
  image_name    = "functions:${terraform_data.functions_image.output.tag}"
}
