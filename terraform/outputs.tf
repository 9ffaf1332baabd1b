output "site_url" {
  description = "The site: its / page creates calls for whoever enters the owner key (owner_key); links open /video."
  value       = google_cloud_run_v2_service.gateway.uri
}

output "owner_key" {
  description = "The key that creates calls: enter it once on the site's / page (it stays on that device) or send it as Authorization: Bearer. Show it with terraform output -raw owner_key."
  value       = random_password.owner_key.result
  sensitive   = true
}

output "create_call_url" {
  description = "CreateCall: public, creates calls only for the owner key (the gateway gives the page the same URL)."
  value       = local.create_call_url
}

output "create_call_command" {
  description = "Creates a call from a shell and prints its two links (run in this folder)."
  value       = "curl -sS -X POST -H \"Authorization: Bearer $(terraform output -raw owner_key)\" -H 'content-type: application/json' -d '{\"users\":[\"alice\",\"bob\"]}' ${local.create_call_url}"
}

output "firestore_console_url" {
  description = "Where to look at calls in progress."
  value       = "https://console.cloud.google.com/firestore/databases/${google_firestore_database.presence.name}/data/panel/sessions?project=${var.project_id}"
}

output "turn_address" {
  description = "Public address of the TURN relay, when enabled."
  value       = var.enable_turn ? google_compute_address.turn[0].address : null
}
