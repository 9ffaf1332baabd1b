# Optional TURN relay (coturn) for people whose networks block direct peer-to-peer media.
# It accepts only short-lived credentials derived from the TURN secret (use-auth-secret), and
# refuses to relay into loopback, private, link-local and other internal ranges, so it cannot be used
# to reach this project's own network (CVE-2020-26262 was a bypass through 0.0.0.0).

locals {
  turn_tls = var.enable_turn && var.turn_tls_domain != ""
  turn_urls = var.enable_turn ? concat(
    [
      "turn:${google_compute_address.turn[0].address}:3478?transport=udp",
      "turn:${google_compute_address.turn[0].address}:3478?transport=tcp",
    ],
    # TURN over TLS on 443 for networks that allow nothing but HTTPS. Needs a DNS name (an A record
    # pointing at the static address) because browsers check the certificate against it.
    local.turn_tls ? ["turns:${var.turn_tls_domain}:443?transport=tcp"] : [],
  ) : []

  # Certificate for TURN over TLS: Let's Encrypt HTTP-01 on port 80, renewed by certbot's timer; each
  # issue or renewal copies the files where coturn (user turnserver) can read them and restarts it.
  turn_tls_setup = <<-EOT
    mkdir -p /etc/coturn/tls
    cat > /etc/letsencrypt-turn-deploy.sh <<'HOOK'
    #!/bin/bash
    install -o turnserver -g turnserver -m 0600 /etc/letsencrypt/live/${var.turn_tls_domain}/fullchain.pem /etc/coturn/tls/cert.pem
    install -o turnserver -g turnserver -m 0600 /etc/letsencrypt/live/${var.turn_tls_domain}/privkey.pem /etc/coturn/tls/key.pem
    systemctl restart coturn || true
    HOOK
    chmod 0755 /etc/letsencrypt-turn-deploy.sh
    # Needs the DNS record in place. Without it TURN over UDP/TCP still starts; the startup script
    # runs again at every boot, so a reset of the VM after the record exists completes TLS.
    if certbot certonly --standalone --non-interactive --agree-tos --register-unsafely-without-email \
        -d ${var.turn_tls_domain} --deploy-hook /etc/letsencrypt-turn-deploy.sh; then
      /etc/letsencrypt-turn-deploy.sh
    else
      echo "TURN over TLS: no certificate for ${var.turn_tls_domain} yet (is its A record set?)" >&2
    fi
    # coturn runs as an unprivileged user; let it bind 443.
    mkdir -p /etc/systemd/system/coturn.service.d
    printf '[Service]\nAmbientCapabilities=CAP_NET_BIND_SERVICE\n' > /etc/systemd/system/coturn.service.d/bind-443.conf
    systemctl daemon-reload
  EOT
  turn_tls_conf  = <<-EOT
    tls-listening-port=443
    cert=/etc/coturn/tls/cert.pem
    pkey=/etc/coturn/tls/key.pem
  EOT
}

# A network of our own: the project's "default" network does not exist where the organisation
# enforces compute.skipDefaultNetworkCreation, and TURN should not share one anyway.
resource "google_compute_network" "turn" {
  count                   = var.enable_turn ? 1 : 0
  name                    = "${var.name_prefix}-turn"
  auto_create_subnetworks = false

  depends_on = [time_sleep.apis_ready]
}

resource "google_compute_subnetwork" "turn" {
  count         = var.enable_turn ? 1 : 0
  name          = "${var.name_prefix}-turn"
  region        = var.region
  network       = google_compute_network.turn[0].id
  ip_cidr_range = var.turn_subnet_cidr
}

resource "google_compute_address" "turn" {
  count  = var.enable_turn ? 1 : 0
  name   = "${var.name_prefix}-turn"
  region = var.region

  depends_on = [time_sleep.apis_ready]
}

resource "google_compute_firewall" "turn" {
  count   = var.enable_turn ? 1 : 0
  name    = "${var.name_prefix}-turn"
  network = google_compute_network.turn[0].id

  allow {
    protocol = "udp"
    ports    = ["3478", "49152-65535"]
  }

  # 3478 for TURN over TCP; with TLS, 443 for TURN over TLS and 80 for the certificate's HTTP-01
  # challenge (certbot answers it only while issuing or renewing).
  allow {
    protocol = "tcp"
    ports    = local.turn_tls ? ["3478", "443", "80"] : ["3478"]
  }

  source_ranges = ["0.0.0.0/0"]
  target_tags   = ["${var.name_prefix}-turn"]
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
    subnetwork = google_compute_subnetwork.turn[0].id
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
    apt-get update && apt-get install -y coturn curl ${local.turn_tls ? "certbot" : ""}
    SECRET=$(curl -s -H 'Metadata-Flavor: Google' http://metadata.google.internal/computeMetadata/v1/instance/attributes/turn-secret)
    ${local.turn_tls ? local.turn_tls_setup : ""}
    cat > /etc/turnserver.conf <<CONF
    listening-port=3478
    external-ip=${google_compute_address.turn[0].address}
    realm=${var.name_prefix}
    use-auth-secret
    static-auth-secret=$SECRET
    fingerprint
    ${local.turn_tls ? local.turn_tls_conf : ""}
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
