# Memorystore for Redis, Standard HA (automatic failover to a replica in another zone), in-transit
# encryption with server authentication, AUTH on, private service access only, RDB snapshots.
resource "google_redis_instance" "this" {
  count = var.create ? 1 : 0

  name           = var.name
  project        = var.project_id
  region         = var.region
  tier           = "STANDARD_HA"
  memory_size_gb = var.memory_size_gb
  redis_version  = "REDIS_7_2"
  replica_count  = 1

  authorized_network      = var.network_id
  connect_mode            = "PRIVATE_SERVICE_ACCESS"
  auth_enabled            = true
  transit_encryption_mode = "SERVER_AUTHENTICATION"

  persistence_config {
    persistence_mode    = "RDB"
    rdb_snapshot_period = "ONE_HOUR"
  }

  redis_configs = {
    maxmemory-policy = "noeviction"
  }
}
