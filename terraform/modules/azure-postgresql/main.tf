# Azure Database for PostgreSQL Flexible Server: zone-redundant HA (standby in another zone),
# geo-redundant backups, VNet-integrated (no public endpoint), logical replication enabled so it
# can subscribe to the AWS primary (docs/infrastructure.md, "Cross-cloud replication").
ephemeral "random_password" "admin" {
  count = var.create ? 1 : 0

  length  = 40
  special = false
}

resource "azurerm_postgresql_flexible_server" "this" {
  count = var.create ? 1 : 0

  name                = var.name
  location            = var.location
  resource_group_name = var.resource_group_name
  version             = var.postgres_version
  sku_name            = var.sku_name
  storage_mb          = var.storage_mb
  zone                = "1"

  delegated_subnet_id           = var.delegated_subnet_id
  private_dns_zone_id           = var.private_dns_zone_id
  public_network_access_enabled = false

  administrator_login               = "fediflow_admin"
  administrator_password_wo         = ephemeral.random_password.admin[0].result
  administrator_password_wo_version = var.admin_password_version

  high_availability {
    mode                      = "ZoneRedundant"
    standby_availability_zone = "2"
  }

  backup_retention_days        = var.backup_retention_days
  geo_redundant_backup_enabled = true

  tags = var.tags
}

# The secret the workloads' ExternalSecret reads (property DATABASE_URL), written through a
# write-only argument like the password itself: neither is in the state. The runner applying this
# must reach the vault's private endpoint.
resource "azurerm_key_vault_secret" "database_url" {
  count = var.create ? 1 : 0

  name         = "${var.secret_prefix}-database-credentials"
  key_vault_id = var.key_vault_id
  content_type = "application/json"
  value_wo = jsonencode({
    DATABASE_URL = "postgres://fediflow_admin:${ephemeral.random_password.admin[0].result}@${azurerm_postgresql_flexible_server.this[0].fqdn}:5432/fediflow?sslmode=require"
  })
  value_wo_version = var.admin_password_version
}

resource "azurerm_postgresql_flexible_server_configuration" "wal_level" {
  count = var.create ? 1 : 0

  name      = "wal_level"
  server_id = azurerm_postgresql_flexible_server.this[0].id
  value     = "logical"
}

resource "azurerm_postgresql_flexible_server_configuration" "require_tls" {
  count = var.create ? 1 : 0

  name      = "require_secure_transport"
  server_id = azurerm_postgresql_flexible_server.this[0].id
  value     = "on"
}
