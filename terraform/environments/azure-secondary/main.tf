locals {
  # Data sovereignty: every resource of this environment stays in these regions (EU only;
  # TF-DATA-RESIDENCY in tools/terraform refuses anything else).
  data_residency = ["westeurope", "germanywestcentral", "northeurope"]

  environment = "azure-secondary"
  name        = "fediflow-secondary"

  # The secondary runs the production workloads (deploy/overlays/secondary-cloud): its secrets are
  # fediflow-production-<secret> in its own Key Vault.
  workload_environment = "production"
  tags = {
    Project     = "fediflow"
    Environment = local.environment
    ManagedBy   = "terraform"
  }
}

module "network" {
  source = "../../modules/azure-network"

  name          = local.name
  location      = var.location
  address_space = var.address_space
  tags          = local.tags
}

module "key_vault" {
  source = "../../modules/azure-key-vault"

  name                       = "${local.name}-kv"
  location                   = var.location
  resource_group_name        = module.network.resource_group_name
  private_endpoint_subnet_id = module.network.endpoint_subnet_id
  tags                       = local.tags
}

module "aks" {
  source = "../../modules/azure-aks"

  name                = "fediflow-${local.environment}"
  location            = var.location
  resource_group_name = module.network.resource_group_name
  kubernetes_version  = var.kubernetes_version
  private_cluster     = true
  etcd_key_id         = module.key_vault.etcd_key_id
  key_vault_id        = module.key_vault.key_vault_id
  node_subnet_id      = module.network.node_subnet_id
  workload_min_count  = 3
  workload_max_count  = 12
  dns_zone_id         = module.traffic.zone_id
  tags                = local.tags
}

# Subscriber of the AWS primary through logical replication (tools/replicate-database.ts).
module "postgresql" {
  source = "../../modules/azure-postgresql"

  name                  = local.name
  location              = var.location
  resource_group_name   = module.network.resource_group_name
  delegated_subnet_id   = module.network.postgres_subnet_id
  private_dns_zone_id   = module.network.postgres_dns_zone_id
  key_vault_id          = module.key_vault.key_vault_id
  secret_prefix         = "fediflow-${local.workload_environment}"
  backup_retention_days = 14
  tags                  = local.tags
}

module "redis" {
  source = "../../modules/azure-redis"

  name                       = local.name
  location                   = var.location
  resource_group_name        = module.network.resource_group_name
  private_endpoint_subnet_id = module.network.endpoint_subnet_id
  tags                       = local.tags
}

# Argo CD with the root Application → argocd/clusters/azure-secondary (the production workloads through
# deploy/overlays/secondary-cloud, this cloud's add-ons through argocd/components/).
module "argocd" {
  source = "../../modules/argocd-bootstrap"

  cluster           = "azure-secondary"
  repository_url    = var.gitops_repository_url
  target_revision   = var.gitops_target_revision
  high_availability = true

  depends_on = [module.aks]
}

# Private link to the AWS primary (replication, operators): the gateway first, whose two addresses
# become terraform/environments/production's azure customer gateways; then aws_tunnels from that
# apply's vpn_tunnels.azure output (docs/infrastructure.md, "Private connectivity").
module "vpn" {
  source = "../../modules/azure-vpn"

  name                = local.name
  location            = var.location
  resource_group_name = module.network.resource_group_name
  gateway_subnet_id   = module.network.gateway_subnet_id
  aws_tunnels         = var.aws_vpn_tunnels
  preshared_keys      = var.vpn_preshared_keys
  tags                = local.tags
}

# Cross-cloud failover DNS: the Azure DNS copy of the public zone with a Traffic Manager profile
# checking every cloud's /ready (docs/infrastructure.md, "Traffic failover across clouds").
module "traffic" {
  source = "../../modules/azure-traffic-manager"

  name                = "fediflow"
  resource_group_name = module.network.resource_group_name
  zone_name           = var.domain
  endpoints           = var.failover_endpoints
  tags                = local.tags
}
