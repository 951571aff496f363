# The Key Vault of one Azure environment: the etcd encryption key of AKS and the secrets the
# workloads read through External Secrets (fediflow-<environment>-<secret>). RBAC only, purge
# protection on, reachable through its private endpoint only.
data "azurerm_client_config" "current" {}

resource "azurerm_key_vault" "this" {
  count = var.create ? 1 : 0

  name                = var.name
  location            = var.location
  resource_group_name = var.resource_group_name
  tenant_id           = data.azurerm_client_config.current.tenant_id
  sku_name            = "premium"

  rbac_authorization_enabled    = true
  purge_protection_enabled      = true
  soft_delete_retention_days    = 90
  public_network_access_enabled = false

  network_acls {
    default_action = "Deny"
    bypass         = "AzureServices"
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
    name                           = "${var.name}-vault"
    private_connection_resource_id = azurerm_key_vault.this[0].id
    subresource_names              = ["vault"]
    is_manual_connection           = false
  }

  tags = var.tags
}

# HSM-backed, rotated yearly: AKS KMS v2 follows the key's new version.
resource "azurerm_key_vault_key" "etcd" {
  count = var.create ? 1 : 0

  name         = "${var.name}-etcd"
  key_vault_id = azurerm_key_vault.this[0].id
  key_type     = "RSA-HSM"
  key_size     = 2048
  key_opts     = ["wrapKey", "unwrapKey"]

  rotation_policy {
    expire_after         = "P2Y"
    notify_before_expiry = "P30D"
    automatic {
      time_after_creation = "P1Y"
    }
  }
}
