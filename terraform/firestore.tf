# A database of this deployment's own, so several deployments (name_prefix) can share a project and
# a project whose (default) database already serves something else can host this one. The first
# database of a project gets Firestore's free tier, whatever its name.
resource "google_firestore_database" "presence" {
  name        = var.name_prefix
  location_id = var.firestore_location
  type        = "FIRESTORE_NATIVE"

  # Presence is short-lived; deleting the stack deletes it.
  deletion_policy = "DELETE"

  depends_on = [time_sleep.apis_ready]
}

# Every presence document carries expireAt; TTL policies delete ended calls and crashed instances'
# heartbeats without a clean-up job (deletion happens within about a day of expiry).
resource "google_firestore_field" "ttl" {
  for_each = toset(["sessions", "participants", "gateways"])

  database   = google_firestore_database.presence.name
  collection = each.value
  field      = "expireAt"

  ttl_config {}

  # expireAt is never queried: skip its single-field indexes.
  index_config {}
}
