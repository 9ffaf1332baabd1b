variable "project_id" {
  description = "Google Cloud project to deploy into (billing enabled)."
  type        = string
}

variable "region" {
  description = "Region for Cloud Run, Cloud Functions, Artifact Registry and Cloud Scheduler."
  type        = string
  default     = "europe-west1"
}

variable "firestore_location" {
  description = "Location of the Firestore database (a region such as europe-west1, or a multi-region such as eur3). Cannot change after creation."
  type        = string
  default     = "europe-west1"
}

variable "name_prefix" {
  description = "Prefix for every resource name, so several deployments can share a project."
  type        = string
  default     = "videocall"
}

variable "gateway_min_instances" {
  description = "Gateway instances kept warm. 0 costs nothing idle but the first visitor waits for a cold start (~2-4 s); each warm instance is billed around the clock (docs/deploy.md)."
  type        = number
  default     = 0
}

variable "gateway_max_instances" {
  description = "Upper bound on gateway instances (each holds up to gateway_concurrency sockets)."
  type        = number
  default     = 10
}

variable "gateway_concurrency" {
  description = "WebSockets per gateway instance (Cloud Run's per-instance request concurrency; at most 1000)."
  type        = number
  default     = 1000
}

variable "allowed_origins" {
  description = "Extra browser origins (e.g. https://www.example.com) allowed to open WebSockets; the gateway's own origin is always allowed."
  type        = list(string)
  default     = []
}

variable "invite_ttl_hours" {
  description = "How long invite links stay valid."
  type        = number
  default     = 24
}

variable "stun_urls" {
  description = "STUN servers handed to browsers."
  type        = list(string)
  default     = ["stun:stun.l.google.com:19302"]
}

variable "heartbeat_window_seconds" {
  description = "A gateway whose heartbeat is older than this counts as gone; its participants' peers hear peer-left."
  type        = number
  default     = 30
}

variable "enable_turn" {
  description = "Also run a small coturn TURN relay (one e2-micro VM) for people behind symmetric NATs."
  type        = bool
  default     = false
}

variable "turn_zone" {
  description = "Zone of the TURN VM when enable_turn is true."
  type        = string
  default     = "europe-west1-b"
}

variable "repo_root" {
  description = "Path of this repository's root, for the one Maven build of the gateway image and the functions jar."
  type        = string
  default     = ".."
}

variable "sweep_passes" {
  description = "Sweeps per scheduled minute (10 s apart). 1 finds a dead gateway's participants within a minute at almost no cost; 6 within ~10 s but keeps a sweeper instance busy (~$20/month at list price)."
  type        = number
  default     = 1
}

variable "turn_subnet_cidr" {
  description = "Address range of the TURN relay's own subnet (a network created for it; the project's default network is not used)."
  type        = string
  default     = "10.80.0.0/28"
}

variable "turn_tls_domain" {
  description = "DNS name whose A record points at turn_address. When set, coturn also serves TURN over TLS on port 443 (turns:NAME:443) with a Let's Encrypt certificate, for networks that allow only HTTPS."
  type        = string
  default     = ""
}

variable "router_concurrency" {
  description = "Push requests one router instance serves at once (Cloud Run request concurrency; needs the router's full vCPU)."
  type        = number
  default     = 40
}

variable "router_push_max_delivery_attempts" {
  description = "Deliveries of one ingress message to the router before it goes to the dead-letter topic (Pub/Sub allows 5 to 100)."
  type        = number
  default     = 15
  validation {
    condition     = var.router_push_max_delivery_attempts >= 5 && var.router_push_max_delivery_attempts <= 100
    error_message = "Pub/Sub accepts 5 to 100 delivery attempts."
  }
}

variable "router_push_max_backoff_seconds" {
  description = "Longest wait before Pub/Sub retries a failed push to the router. Short, because the other messages of the same connection wait behind it."
  type        = number
  default     = 10
  validation {
    condition     = var.router_push_max_backoff_seconds >= 1 && var.router_push_max_backoff_seconds <= 600
    error_message = "Pub/Sub accepts a maximum backoff of up to 600 s; below 1 s is pointless here."
  }
}

variable "router_startup_cpu_boost" {
  description = "Switch on Cloud Run startup CPU boost on the router's service with gcloud after each deployment (not exposed by the Cloud Functions API)."
  type        = bool
  default     = true
}

variable "jib_base_image" {
  description = "Base image of the gateway (Jib). Google's cache of Docker Hub by default, which does not rate-limit anonymous pulls as Docker Hub does."
  type        = string
  default     = "mirror.gcr.io/library/eclipse-temurin:21-jre"
}

variable "jib_plugin_version" {
  description = "jib-maven-plugin version the build runs (keep equal to the version in gateway-gcp's pom)."
  type        = string
  default     = "3.5.2"
}
