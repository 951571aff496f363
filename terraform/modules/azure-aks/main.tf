# AKS with the same guarantees as terraform/modules/eks: secrets encrypted in etcd with a Key Vault
# key (KMS v2), an API server that is private or limited to named ranges, Entra ID workload
# identity (OIDC issuer + federated credentials) instead of node credentials, autoscaling pools.
resource "azurerm_user_assigned_identity" "control_plane" {
  count = var.create ? 1 : 0

  name                = "${var.name}-control-plane"
  location            = var.location
  resource_group_name = var.resource_group_name
  tags                = var.tags
}

# The control plane unwraps the etcd encryption key with its own identity.
resource "azurerm_role_assignment" "kms" {
  count = var.create ? 1 : 0

  scope                = var.key_vault_id
  role_definition_name = "Key Vault Crypto User"
  principal_id         = azurerm_user_assigned_identity.control_plane[0].principal_id
}

resource "azurerm_kubernetes_cluster" "this" {
  count = var.create ? 1 : 0

  name                = var.name
  location            = var.location
  resource_group_name = var.resource_group_name
  dns_prefix          = var.name
  kubernetes_version  = var.kubernetes_version
  sku_tier            = "Standard"

  automatic_upgrade_channel = "patch"
  node_os_upgrade_channel   = "NodeImage"

  private_cluster_enabled = var.private_cluster
  dynamic "api_server_access_profile" {
    for_each = var.private_cluster ? [] : [1]
    content {
      authorized_ip_ranges = var.api_authorized_ip_ranges
    }
  }

  oidc_issuer_enabled       = true
  workload_identity_enabled = true
  local_account_disabled    = true
  azure_active_directory_role_based_access_control {
    azure_rbac_enabled = true
  }

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.control_plane[0].id]
  }

  key_management_service {
    key_vault_key_id         = var.etcd_key_id
    key_vault_network_access = "Private"
  }

  default_node_pool {
    name                 = "system"
    vm_size              = var.system_vm_size
    vnet_subnet_id       = var.node_subnet_id
    zones                = ["1", "2", "3"]
    auto_scaling_enabled = true
    min_count            = 2
    max_count            = 3
    os_sku               = "AzureLinux"

    only_critical_addons_enabled = true
    upgrade_settings {
      max_surge = "33%"
    }
  }

  # Azure CNI Overlay with the Cilium data plane (enforces NetworkPolicies); egress through the
  # standard load balancer.
  network_profile {
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    network_policy      = "cilium"
    network_data_plane  = "cilium"
    load_balancer_sku   = "standard"
    outbound_type       = "loadBalancer"
  }

  # Container Insights ships container stdout (FediFlow's JSON lines) to Log Analytics: the log
  # shipping target on AKS (EKS runs Fluent Bit to CloudWatch Logs instead).
  oms_agent {
    log_analytics_workspace_id      = azurerm_log_analytics_workspace.this[0].id
    msi_auth_for_monitoring_enabled = true
  }

  tags = var.tags

  depends_on = [azurerm_role_assignment.kms]
}

resource "azurerm_log_analytics_workspace" "this" {
  count = var.create ? 1 : 0

  name                = "${var.name}-logs"
  location            = var.location
  resource_group_name = var.resource_group_name
  sku                 = "PerGB2018"
  retention_in_days   = var.log_retention_days
  tags                = var.tags
}

# FediFlow's workloads: spread over three zones, scaled by the cluster autoscaler.
resource "azurerm_kubernetes_cluster_node_pool" "workloads" {
  count = var.create ? 1 : 0

  name                  = "workloads"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.this[0].id
  vm_size               = var.workload_vm_size
  vnet_subnet_id        = var.node_subnet_id
  zones                 = ["1", "2", "3"]
  auto_scaling_enabled  = true
  min_count             = var.workload_min_count
  max_count             = var.workload_max_count
  os_sku                = "AzureLinux"
  tags                  = var.tags
}

# Controllers that call Azure, each as its own ServiceAccount federated with its own managed
# identity: External Secrets reads Key Vault, cert-manager writes DNS-01 challenges into Azure DNS
# (deploy/addons/values/azure/ names the identities' client ids).
locals {
  workload_identities = {
    external-secrets = { namespace = "external-secrets", service_account = "external-secrets" }
    cert-manager     = { namespace = "cert-manager", service_account = "cert-manager" }
  }
}

resource "azurerm_user_assigned_identity" "workload" {
  for_each = var.create ? local.workload_identities : {}

  name                = "${var.name}-${each.key}"
  location            = var.location
  resource_group_name = var.resource_group_name
  tags                = var.tags
}

resource "azurerm_federated_identity_credential" "workload" {
  for_each = var.create ? local.workload_identities : {}

  name                = each.key
  resource_group_name = var.resource_group_name
  parent_id           = azurerm_user_assigned_identity.workload[each.key].id
  issuer              = azurerm_kubernetes_cluster.this[0].oidc_issuer_url
  subject             = "system:serviceaccount:${each.value.namespace}:${each.value.service_account}"
  audience            = ["api://AzureADTokenExchange"]
}

resource "azurerm_role_assignment" "external_secrets" {
  count = var.create ? 1 : 0

  scope                = var.key_vault_id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_user_assigned_identity.workload["external-secrets"].principal_id
}

resource "azurerm_role_assignment" "cert_manager" {
  count = var.create && var.dns_zone_id != null ? 1 : 0

  scope                = var.dns_zone_id
  role_definition_name = "DNS Zone Contributor"
  principal_id         = azurerm_user_assigned_identity.workload["cert-manager"].principal_id
}

moved {
  from = azurerm_user_assigned_identity.external_secrets[0]
  to   = azurerm_user_assigned_identity.workload["external-secrets"]
}

moved {
  from = azurerm_federated_identity_credential.external_secrets[0]
  to   = azurerm_federated_identity_credential.workload["external-secrets"]
}
