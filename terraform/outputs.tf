output "site_url" {
  description = "The site: / makes new calls only for IAM-authorised callers (use create_call_command); links open /video."
  value       = google_cloud_run_v2_service.gateway.uri
}

output "create_call_url" {
  description = "The IAM-protected CreateCall function."
  value       = google_cloudfunctions2_function.function["create-call"].service_config[0].uri
}

output "create_call_command" {
  description = "Creates a call and prints its two links (run as one of call_creators)."
  value       = "curl -sS -X POST -H \"Authorization: Bearer $(gcloud auth print-identity-token)\" -H 'content-type: application/json' -d '{\"users\":[\"alice\",\"bob\"]}' ${google_cloudfunctions2_function.function["create-call"].service_config[0].uri}"
}

output "firestore_console_url" {
  description = "Where to look at calls in progress."
  value       = "https://console.cloud.google.com/firestore/databases/-default-/data/panel/sessions?project=${var.project_id}"
}

output "turn_address" {
  description = "Public address of the TURN relay, when enabled."
  value       = var.enable_turn ? google_compute_address.turn[0].address : null
}
