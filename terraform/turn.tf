# Optional TURN relay (coturn) for people whose networks block direct peer-to-peer media.
# It accepts only short-lived credentials derived from the TURN secret (use-auth-secret), and
# refuses to relay into loopback, private, link-local and other internal ranges, so it cannot be used
# to reach this project's own network (CVE-2020-26262 was a bypass through 0.0.0.0).

resource "google_compute_address" "turn" {
  count  = var.enable_turn ? 1 : 0
  name   = "${var.name_prefix}-turn"
  region = var.region

  depends_on = [time_sleep.apis_ready]
}

resource "google_compute_firewall" "turn" {
  count   = var.enable_turn ? 1 : 0
  name    = "${var.name_prefix}-turn"
  network = "default"

  allow {
    protocol = "udp"
    ports    = ["3478", "49152-65535"]
  }

  allow {
    protocol = "tcp"
    ports    = ["3478"]
  }

  source_ranges = ["0.0.0.0/0"]
  target_tags   = ["${var.name_prefix}-turn"]

  depends_on = [time_sleep.apis_ready]
}

resource "google_compute_instance" "turn" {
  count        = var.enable_turn ? 1 : 0
  name         = "${var.name_prefix}-turn"
  zone         = var.turn_zone
  machine_type = "e2-micro"
  tags         = ["${var.name_prefix}-turn"]

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
      size  = 10
    }
  }

  network_interface {
    network = "default"
    access_config {
      nat_ip = google_compute_address.turn[0].address
    }
  }

  # The secret is in instance metadata, readable by project members with compute viewer access.
  metadata = {
    turn-secret = random_bytes.turn_secret[0].base64
  }

  metadata_startup_script = <<-EOT
    #!/bin/bash
    set -e
    apt-get update && apt-get install -y coturn curl
    SECRET=$(curl -s -H 'Metadata-Flavor: Google' http://metadata.google.internal/computeMetadata/v1/instance/attributes/turn-secret)
    cat > /etc/turnserver.conf <<CONF
    listening-port=3478
    external-ip=${google_compute_address.turn[0].address}
    realm=${var.name_prefix}
    use-auth-secret
    static-auth-secret=$SECRET
    fingerprint
    no-cli
    no-multicast-peers
    no-tlsv1
    no-tlsv1_1
    denied-peer-ip=0.0.0.0-0.255.255.255
    denied-peer-ip=10.0.0.0-10.255.255.255
    denied-peer-ip=100.64.0.0-100.127.255.255
    denied-peer-ip=127.0.0.0-127.255.255.255
    denied-peer-ip=169.254.0.0-169.254.255.255
    denied-peer-ip=172.16.0.0-172.31.255.255
    denied-peer-ip=192.0.0.0-192.0.0.255
    denied-peer-ip=192.168.0.0-192.168.255.255
    denied-peer-ip=198.18.0.0-198.19.255.255
    denied-peer-ip=240.0.0.0-255.255.255.255
    denied-peer-ip=::1
    denied-peer-ip=64:ff9b::-64:ff9b::ffff:ffff
    denied-peer-ip=fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff
    denied-peer-ip=fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff
    CONF
    sed -i 's/^#TURNSERVER_ENABLED=1/TURNSERVER_ENABLED=1/' /etc/default/coturn || true
    systemctl enable coturn
    systemctl restart coturn
  EOT
}
