# The invite-signing key is generated here and stored only in Secret Manager (and Terraform state:
# keep the state private). Rotation: add a new version "k2:<new>,k1:<old>", redeploy, and drop k1
# once links signed with it have expired.
resource "random_bytes" "invite_signing_key" {
  length = 32
}

resource "google_secret_manager_secret" "invite_signing_keys" {
  secret_id = "${var.name_prefix}-invite-signing-keys"

  replication {
    auto {}
  }

  depends_on = [time_sleep.apis_ready]
}

resource "google_secret_manager_secret_version" "invite_signing_keys" {
  secret      = google_secret_manager_secret.invite_signing_keys.id
  secret_data = "k1:${random_bytes.invite_signing_key.base64}"
}

resource "random_bytes" "turn_secret" {
  count  = var.enable_turn ? 1 : 0
  length = 32
}

resource "google_secret_manager_secret" "turn" {
  count     = var.enable_turn ? 1 : 0
  secret_id = "${var.name_prefix}-turn-secret"

  replication {
    auto {}
  }

  depends_on = [time_sleep.apis_ready]
}

resource "google_secret_manager_secret_version" "turn" {
  count       = var.enable_turn ? 1 : 0
  secret      = google_secret_manager_secret.turn[0].id
  secret_data = random_bytes.turn_secret[0].base64
}

# The owner key: whoever presents it (Authorization: Bearer …) may create calls, and nobody else.
# Generated here, stored only in Secret Manager (and in Terraform state, which must stay private),
# readable only by CreateCall (iam.tf), and shown to the owner by `terraform output -raw owner_key`
# for the site's / page, which keeps it on the owner's device. 43 letters and digits: about 256 bits.
resource "random_password" "owner_key" {
  length  = 43
  special = false
}

resource "google_secret_manager_secret" "owner_key" {
  secret_id = "${var.name_prefix}-owner-key"

  replication {
    auto {}
  }

  depends_on = [time_sleep.apis_ready]
}

resource "google_secret_manager_secret_version" "owner_key" {
  secret      = google_secret_manager_secret.owner_key.id
  secret_data = random_password.owner_key.result
}
