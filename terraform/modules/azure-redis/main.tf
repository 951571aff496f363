# Azure Cache for Redis, Premium: TLS 1.2 only (the non-TLS port is off), zone-redundant replicas,
# no public network access (private endpoint), RDB persistence for the queues.
resource "azurerm_redis_cache" "this" {
  count = var.create ? 1 : 0

  name                = var.name
  location            = var.location
  resource_group_name = var.resource_group_name
  sku_name            = "Premium"
  family              = "P"
  capacity            = var.capacity
  zones               = ["1", "2", "3"]
  replicas_per_master = 2

  non_ssl_port_enabled          = false
  minimum_tls_version           = "1.2"
  public_network_access_enabled = false
  redis_version                 = "6"

  redis_configuration {
    maxmemory_policy = "noeviction"
  }

  tags = var.tags
}

resource "azurerm_private_endpoint" "this" {
  count = var.create ? 1 : 0

  name                = "${var.name}-pe"
  location            = var.location
  resource_group_name = var.resource_group_name
  subnet_id           = var.private_endpoint_subnet_id

  private_service_connection {
    name                           = "${var.name}-redis"
    private_connection_resource_id = azurerm_redis_cache.this[0].id
    subresource_names              = ["redisCache"]
    is_manual_connection           = false
  }

  tags = var.tags
}
