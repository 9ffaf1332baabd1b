locals {
  # No Cloud Build, Cloud Functions or Cloud Storage API: Jib builds and pushes the images from the
  # applying machine (build.tf). Compute Engine only for TURN: enabling it creates the project's
  # default network and, in a project without an organisation, grants the default compute service
  # account Editor.
  services = concat([
    "artifactregistry.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "cloudscheduler.googleapis.com",
    "firestore.googleapis.com",
    "iam.googleapis.com",
    "logging.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
  ], var.enable_turn ? ["compute.googleapis.com"] : [])
}

resource "google_project_service" "apis" {
  for_each = toset(local.services)

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

# Enabling an API returns before every Google front end accepts calls to it: the first calls can
# still fail with SERVICE_DISABLED for a minute or so. Everything that calls a newly enabled API
# depends on this wait rather than on the enablement itself. It runs again only when the set of APIs
# changes.
resource "time_sleep" "apis_ready" {
  create_duration = "90s"
  triggers = {
    services = join(",", sort(keys(google_project_service.apis)))
  }
}

data "google_project" "this" {
  project_id = var.project_id
}
