# The resource group and private network of one Azure environment: a node subnet, a subnet for
# private endpoints (Key Vault, Redis), a subnet delegated to PostgreSQL Flexible Server and the
# private DNS zone its name resolves in. Nothing here has a public address.
resource "azurerm_resource_group" "this" {
  count = var.create ? 1 : 0

  name     = var.name
  location = var.location
  tags     = var.tags
}

resource "azurerm_virtual_network" "this" {
  count = var.create ? 1 : 0

  name                = var.name
  location            = var.location
  resource_group_name = azurerm_resource_group.this[0].name
  address_space       = [var.address_space]
  tags                = var.tags
}

resource "azurerm_subnet" "nodes" {
  count = var.create ? 1 : 0

  name                 = "nodes"
  resource_group_name  = azurerm_resource_group.this[0].name
  virtual_network_name = azurerm_virtual_network.this[0].name
  address_prefixes     = [cidrsubnet(var.address_space, 4, 0)]
}

resource "azurerm_subnet" "endpoints" {
  count = var.create ? 1 : 0

  name                 = "endpoints"
  resource_group_name  = azurerm_resource_group.this[0].name
  virtual_network_name = azurerm_virtual_network.this[0].name
  address_prefixes     = [cidrsubnet(var.address_space, 8, 16)]
}

# The VPN gateway's subnet (Azure requires this name and at least a /27): terraform/modules/azure-vpn.
resource "azurerm_subnet" "gateway" {
  count = var.create ? 1 : 0

  name                 = "GatewaySubnet"
  resource_group_name  = azurerm_resource_group.this[0].name
  virtual_network_name = azurerm_virtual_network.this[0].name
  address_prefixes     = [cidrsubnet(var.address_space, 11, 144)]
}

resource "azurerm_subnet" "postgres" {
  count = var.create ? 1 : 0

  name                 = "postgres"
  resource_group_name  = azurerm_resource_group.this[0].name
  virtual_network_name = azurerm_virtual_network.this[0].name
  address_prefixes     = [cidrsubnet(var.address_space, 8, 17)]

  delegation {
    name = "postgres"
    service_delegation {
      name    = "Microsoft.DBforPostgreSQL/flexibleServers"
      actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
    }
  }
}

resource "azurerm_private_dns_zone" "postgres" {
  count = var.create ? 1 : 0

  name                = "${var.name}.postgres.database.azure.com"
  resource_group_name = azurerm_resource_group.this[0].name
  tags                = var.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "postgres" {
  count = var.create ? 1 : 0

  name                  = "${var.name}-postgres"
  resource_group_name   = azurerm_resource_group.this[0].name
  private_dns_zone_name = azurerm_private_dns_zone.postgres[0].name
  virtual_network_id    = azurerm_virtual_network.this[0].id
}
