# Cloud SQL for PostgreSQL: regional HA (synchronous standby in another zone), daily backups with
# point-in-time recovery, private IP only, TLS required, logical decoding on so it can subscribe to
# the AWS primary (docs/infrastructure.md, "Cross-cloud replication").
ephemeral "random_password" "admin" {
  count = var.create ? 1 : 0

  length  = 40
  special = false
}

resource "google_sql_database_instance" "this" {
  count = var.create ? 1 : 0

  name                = var.name
  project             = var.project_id
  region              = var.region
  database_version    = "POSTGRES_${var.postgres_version}"
  deletion_protection = true

  settings {
    tier              = var.tier
    edition           = "ENTERPRISE"
    availability_type = "REGIONAL"
    disk_autoresize   = true

    ip_configuration {
      ipv4_enabled    = false
      private_network = var.network_id
      ssl_mode        = "ENCRYPTED_ONLY"
    }

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
      start_time                     = "03:00"
      transaction_log_retention_days = 7
      backup_retention_settings {
        retained_backups = var.retained_backups
      }
    }

    database_flags {
      name  = "cloudsql.logical_decoding"
      value = "on"
    }
  }
}

resource "google_sql_user" "admin" {
  count = var.create ? 1 : 0

  project             = var.project_id
  instance            = google_sql_database_instance.this[0].name
  name                = "fediflow_admin"
  password_wo         = ephemeral.random_password.admin[0].result
  password_wo_version = var.admin_password_version
}

# The secret the workloads' ExternalSecret reads (property DATABASE_URL), written through a
# write-only argument like the password itself: neither is in the state.
resource "google_secret_manager_secret_version" "database_url" {
  count = var.create ? 1 : 0

  secret = var.database_secret_id
  secret_data_wo = jsonencode({
    DATABASE_URL = "postgres://fediflow_admin:${ephemeral.random_password.admin[0].result}@${google_sql_database_instance.this[0].private_ip_address}:5432/fediflow?sslmode=require"
  })
  secret_data_wo_version = var.admin_password_version
}
