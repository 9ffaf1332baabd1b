# Builds the two deployables from this repository on the machine running `terraform apply`:
# the gateway image with Jib (no Docker needed) and the functions jar with Maven. Both are named by a
# hash of their sources, so a code change redeploys and an unchanged tree does not.

locals {
  gateway_sources = sort(concat(
    tolist(fileset(var.repo_root, "{contract,gcp,gateway}/src/**")),
    tolist(fileset(var.repo_root, "web/**")),
    ["pom.xml", "contract/pom.xml", "gcp/pom.xml", "gateway/pom.xml"],
  ))
  gateway_source_hash = substr(sha256(join("", [for f in local.gateway_sources : filesha256("${var.repo_root}/${f}")])), 0, 16)

  functions_sources = sort(concat(
    tolist(fileset(var.repo_root, "{contract,gcp,functions}/src/main/**")),
    ["pom.xml", "contract/pom.xml", "gcp/pom.xml", "functions/pom.xml"],
  ))
  functions_source_hash = substr(sha256(join("", [for f in local.functions_sources : filesha256("${var.repo_root}/${f}")])), 0, 16)

  registry      = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
  gateway_image = "${local.registry}/gateway:${local.gateway_source_hash}"
  functions_zip = "${path.module}/.build/functions-${local.functions_source_hash}.zip"
}

resource "google_artifact_registry_repository" "images" {
  location      = var.region
  repository_id = "${var.name_prefix}-images"
  format        = "DOCKER"
  description   = "videocall gateway images, pushed by Jib"

  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"

    most_recent_versions {
      keep_count = 5
    }
  }

  depends_on = [time_sleep.apis_ready]
}

# Jib pushes with the applying user's gcloud credentials.
resource "terraform_data" "gateway_image" {
  triggers_replace = [local.gateway_image]

  provisioner "local-exec" {
    working_dir = var.repo_root
    command     = <<-EOT
      set -e
      mvn -B -q -DskipTests -pl gateway -am install
      mvn -B -q -f gateway/pom.xml jib:build \
        -Djib.to.image=${local.gateway_image} \
        -Djib.to.auth.username=oauth2accesstoken \
        -Djib.to.auth.password="$(gcloud auth print-access-token)"
    EOT
  }
}

# The digest-qualified name of what was just pushed: Cloud Run deploys exactly that image.
data "google_artifact_registry_docker_image" "gateway" {
  location      = var.region
  repository_id = google_artifact_registry_repository.images.repository_id
  image_name    = "gateway:${local.gateway_source_hash}"

  depends_on = [terraform_data.gateway_image]
}

resource "terraform_data" "functions_zip" {
  triggers_replace = [local.functions_source_hash]

  provisioner "local-exec" {
    working_dir = var.repo_root
    command     = <<-EOT
      set -e
      mvn -B -q -DskipTests -pl functions -am package
      out="${abspath(path.module)}/.build"
      rm -rf "$out/functions" && mkdir -p "$out/functions"
      cp functions/target/videocall-functions-*-shaded.jar "$out/functions/functions.jar"
      (cd "$out/functions" && jar --create --no-manifest --file "../functions-${local.functions_source_hash}.zip" functions.jar)
    EOT
  }
}

resource "google_storage_bucket" "sources" {
  name                        = "${var.project_id}-${var.name_prefix}-sources"
  location                    = var.region
  uniform_bucket_level_access = true
  force_destroy               = true

  lifecycle_rule {
    condition {
      age = 30
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [time_sleep.apis_ready]
}

# Content-addressed: a new hash is a new object, which redeploys the functions.
resource "google_storage_bucket_object" "functions" {
  name   = "functions-${local.functions_source_hash}.zip"
  bucket = google_storage_bucket.sources.name
  source = local.functions_zip

  depends_on = [terraform_data.functions_zip]
}
