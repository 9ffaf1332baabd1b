# Ghost clean-up: participants of a gateway that died without closing its sockets are removed and
# their peers told "peer-left" (reason timeout). Every minute, the finest Cloud Scheduler allows.
resource "google_cloud_scheduler_job" "sweep" {
  name             = "${var.name_prefix}-sweep-presence"
  region           = var.region
  schedule         = "* * * * *"
  time_zone        = "Etc/UTC"
  attempt_deadline = "120s"

  http_target {
    http_method = "POST"
    uri         = google_cloud_run_v2_service.function["sweeper"].uri

    oidc_token {
      service_account_email = google_service_account.scheduler.email
      audience              = google_cloud_run_v2_service.function["sweeper"].uri
    }
  }

  retry_config {
    retry_count = 0
  }

  depends_on = [google_cloud_run_v2_service_iam_member.scheduler_invokes_sweeper]
}
