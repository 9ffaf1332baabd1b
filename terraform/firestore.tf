resource "google_firestore_database" "presence" {
  name        = "(default)"
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
