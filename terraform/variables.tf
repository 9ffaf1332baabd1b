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
  description = "Prefix for every resource name, and the name of the deployment's own Firestore database, so several deployments can share a project (each with its own prefix)."
  type        = string
  default     = "videocall"
  validation {
    # Service account ids (PREFIX-create-call) allow 30 characters, Firestore database ids 4 or more.
    condition     = can(regex("^[a-z][a-z0-9-]{2,16}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix: 4 to 18 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "gateway_min_instances" {
  description = "Gateway instances kept warm. 0 (the default) costs nothing idle; the first visitor after a quiet spell then waits for a gateway start, the page being served as soon as it listens (docs/performance.md, \"The first call after a quiet day\"). Each warm instance (1 vCPU, 512 MiB) is billed while idle at Cloud Run's idle minimum-instance rates: about $9.70 a month at list price (docs/deploy.md, \"Idle\")."
  type        = number
  default     = 0
}

variable "gateway_max_instances" {
  description = "Upper bound on gateway instances (1 vCPU each, each holding up to gateway_concurrency sockets). With router_max_instances and the two small functions it must fit the region's Cloud Run CPU quota; the default fits a new project's (docs/deploy.md)."
  type        = number
  default     = 5
  validation {
    condition     = var.gateway_max_instances >= 1 && var.gateway_max_instances <= 100
    error_message = "gateway_max_instances: 1 to 100."
  }
}

variable "router_max_instances" {
  description = "Upper bound on router instances (1 vCPU each, router_concurrency pushes at once each). See gateway_max_instances for the quota."
  type        = number
  default     = 3
  validation {
    condition     = var.router_max_instances >= 1 && var.router_max_instances <= 100
    error_message = "router_max_instances: 1 to 100."
  }
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
  description = "Sweeps per scheduled minute (10 s apart). 1 finds a dead gateway's participants within a minute at almost no cost; 6 within ~10 s but keeps a sweeper instance busy (about $26 a month at list price; docs/deploy.md, \"Idle\")."
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

variable "jib_base_image" {
  description = "Base image of the gateway and functions images (Jib). Google's cache of Docker Hub by default, which does not rate-limit anonymous pulls as Docker Hub does."
  type        = string
  default     = "mirror.gcr.io/library/eclipse-temurin:21-jre"
}

variable "jib_plugin_version" {
  description = "jib-maven-plugin version the build runs (keep equal to jib.version in the root pom)."
  type        = string
  default     = "3.5.2"
}
