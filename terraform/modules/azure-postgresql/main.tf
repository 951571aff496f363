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
