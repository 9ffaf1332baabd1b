# Builds the two deployables from this checkout on the machine running `terraform apply`: the
# gateway image with Jib (no Docker needed) and the functions jar, in ONE Maven invocation over one
# set of target/ folders, then uploads what is missing. Both artefacts are named by a hash of their
# own sources, so an unchanged tree builds nothing, a change to one deployable uploads only that
# one, and an apply from a fresh clone elsewhere finds the artefacts already in the cloud.

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

  # Paths are part of the hash (a rename is a change); so is the base image the gateway is built on.
  gateway_source_hash = substr(sha256(join("\n", concat(
    [for f in local.gateway_sources : "${f} ${filesha256("${var.repo_root}/${f}")}"],
    ["jib.from.image ${var.jib_base_image}"],
  ))), 0, 16)
  functions_source_hash = substr(sha256(join("\n",
    [for f in local.functions_sources : "${f} ${filesha256("${var.repo_root}/${f}")}"],
  )), 0, 16)

  registry      = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
  gateway_image = "${local.registry}/gateway:${local.gateway_source_hash}"

  # The functions' source object, referenced by name only: nothing on the applying machine is read
  # by Terraform, so a plan from another clone needs no local file.
  functions_object = "functions-${local.functions_source_hash}.zip"

  # Jib runs inside the same Maven invocation, on gateway-gcp only (jib.containerize); the plugin is
  # named in full because the root pom does not declare it for the other modules.
  jib_goal = "com.google.cloud.tools:jib-maven-plugin:${var.jib_plugin_version}:build"
}

resource "google_artifact_registry_repository" "images" {
  location      = var.region
  repository_id = "${var.name_prefix}-images"
  format        = "DOCKER"
  description   = "videocall gateway images (Jib) and function images (Cloud Build)"

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

resource "google_storage_bucket" "sources" {
  name                        = "${var.project_id}-${var.name_prefix}-sources"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true

  # No age-based deletion: the object named in build_config must exist whenever a function is
  # rebuilt, and that can happen long after the upload (any build_config change). Superseded zips
  # are deleted by the build step below once a newer one is uploaded; a running function never
  # reads this bucket (Cloud Functions copies the source into its own gcf-v2-sources-* bucket).

  depends_on = [time_sleep.apis_ready]
}

# One build for both deployables. Runs when either artefact name changes; checks the cloud for each
# artefact first and only builds and uploads what is missing.
resource "terraform_data" "build" {
  triggers_replace = {
    gateway_image    = local.gateway_image
    functions_object = "${google_storage_bucket.sources.name}/${local.functions_object}"
  }

  provisioner "local-exec" {
    working_dir = var.repo_root
    interpreter = ["/bin/bash", "-c"]
    command     = <<-EOT
      set -euo pipefail
      image='${local.gateway_image}'
      bucket='gs://${google_storage_bucket.sources.name}'
      object="$bucket/${local.functions_object}"

      need_image=yes
      if gcloud artifacts docker images describe "$image" >/dev/null 2>&1; then need_image=no; fi
      need_zip=yes
      if gcloud storage objects describe "$object" >/dev/null 2>&1; then need_zip=no; fi
      echo "build: gateway image missing=$need_image, functions zip missing=$need_zip"

      if [ "$need_image" = yes ] || [ "$need_zip" = yes ]; then
        goals=(package)
        if [ "$need_image" = yes ]; then
          # Jib pushes with the gcloud credential helper (docker-credential-gcloud, shipped with
          # gcloud), so no access token appears on a command line.
          goals+=('${local.jib_goal}'
            '-Djib.containerize=:videocall-gateway-gcp'
            '-Djib.from.image=${var.jib_base_image}'
            "-Djib.to.image=$image"
            '-Djib.to.credHelper=gcloud')
        fi
        mvn -B -q -DskipTests -pl gateway-gcp,functions -am "$${goals[@]}"
      fi

      if [ "$need_zip" = yes ]; then
        jars=(functions/target/videocall-functions-*-shaded.jar)
        if [ "$${#jars[@]}" -ne 1 ] || [ ! -f "$${jars[0]}" ]; then
          echo "build: expected exactly one functions/target/videocall-functions-*-shaded.jar" >&2
          exit 1
        fi
        work=$(mktemp -d)
        trap 'rm -rf "$work"' EXIT
        cp "$${jars[0]}" "$work/functions.jar"
        (cd "$work" && jar --create --no-manifest --file functions.zip functions.jar)
        gcloud storage cp "$work/functions.zip" "$object"
      fi

      # Superseded zips: no function reads them at run time, and a rebuild from an older commit
      # uploads its zip again (its name differs from the state's, so this step runs).
      { gcloud storage ls "$bucket/functions-*.zip" 2>/dev/null || true; } | while read -r old; do
        if [ "$old" != "$object" ]; then gcloud storage rm "$old"; fi
      done
    EOT
  }
}

# What each deployable consumes from the build. Each changes only with its own hash, so a change to
# the functions alone leaves the gateway untouched (no new revision, no dropped WebSockets) and the
# other way round, although both wait for the one build when it runs.
resource "terraform_data" "gateway_image" {
  input = {
    image = local.gateway_image
    tag   = local.gateway_source_hash
  }
  depends_on = [terraform_data.build]
}

resource "terraform_data" "functions_source" {
  input = {
    bucket = google_storage_bucket.sources.name
    object = local.functions_object
  }
  depends_on = [terraform_data.build]
}

# The digest-qualified name of what was pushed: Cloud Run deploys exactly that image.
data "google_artifact_registry_docker_image" "gateway" {
  location      = var.region
  repository_id = google_artifact_registry_repository.images.repository_id
  image_name    = "gateway:${terraform_data.gateway_image.output.tag}"
}
