locals {
  environment   = "production"
  name          = "fediflow-${local.environment}"
  secret_prefix = "fediflow/${local.environment}"

  tags = {
    Project     = "fediflow"
    Environment = local.environment
    ManagedBy   = "terraform"
  }
}

module "network" {
  source = "../../modules/network"

  name               = local.name
  cidr               = var.vpc_cidr
  single_nat_gateway = false
}

module "eks" {
  source = "../../modules/eks"

  name                = local.name
  kubernetes_version  = var.kubernetes_version
  subnet_ids          = module.network.private_subnet_ids
  allowed_cidrs       = var.eks_allowed_cidrs
  admin_role_names    = var.admin_role_names
  node_instance_types = ["t3.large", "t3.xlarge"]
  node_min_size       = 1
  node_max_size       = 10
  node_desired_size   = var.node_desired_size
}

module "database" {
  source = "../../modules/database"
  providers = {
    aws           = aws
    aws.secondary = aws.secondary
  }

  name                        = local.name
  secret_prefix               = local.secret_prefix
  instance_class              = var.db_instance_class
  vpc_id                      = module.network.vpc_id
  db_subnet_group_name        = module.network.database_subnet_group_name
  allowed_security_group_ids  = [module.eks.cluster_security_group_id]
  backup_retention_days       = 14
  deletion_protection         = true
  cross_region_backup_enabled = true
  secret_replica_regions      = [var.dr_region]
}

module "cache" {
  source = "../../modules/cache"

  name                       = local.name
  secret_prefix              = local.secret_prefix
  node_type                  = var.redis_node_type
  num_cache_clusters         = 3
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.database_subnet_ids
  allowed_security_group_ids = [module.eks.cluster_security_group_id]
}

module "queue" {
  source = "../../modules/queue"

  name = local.name
}

module "mail" {
  source = "../../modules/mail"

  domain                 = var.domain
  secret_prefix          = local.secret_prefix
  secret_replica_regions = [var.dr_region]
}

module "media_storage" {
  source = "../../modules/media-storage"

  name = local.name
}

module "workload_identity" {
  source = "../../modules/workload-identity"

  name               = local.name
  cluster_name       = module.eks.cluster_name
  app_namespace      = "fediflow-${local.environment}"
  secret_name_prefix = local.secret_prefix
  queue_arns         = [module.queue.queue_arn]
  dns_zone_name      = var.domain
  media_bucket_arn   = module.media_storage.bucket_arn
  media_kms_key_arn  = module.media_storage.kms_key_arn
}

module "backup" {
  source = "../../modules/backup"
  providers = {
    aws           = aws
    aws.secondary = aws.secondary
  }

  name                           = local.name
  resource_arns                  = [module.database.db_instance_arn]
  restore_test_subnet_group_name = module.network.database_subnet_group_name

  create_restore_validation      = var.create_restore_validation
  restore_validation_zip         = "${path.root}/../../../dist/lambda/restoreValidation.zip"
  vpc_id                         = module.network.vpc_id
  subnet_ids                     = module.network.private_subnet_ids
  parameters_extension_layer_arn = var.parameters_extension_layer_arn
  tags                           = local.tags
}

module "dns_failover" {
  source = "../../modules/dns-failover"

  create    = var.create_dns_failover
  zone_name = var.domain
  host      = "${var.public_host}.${var.domain}"
  primary   = var.primary_load_balancer
  secondary = var.dr_load_balancer
}

module "argocd" {
  source = "../../modules/argocd-bootstrap"

  cluster           = "production"
  repository_url    = var.gitops_repository_url
  target_revision   = var.gitops_target_revision
  high_availability = true

  depends_on = [module.eks]
}

# Private links to the Azure secondary and the Google Cloud DR environment (cross-cloud
# replication connects the subscribers to this database privately). Created once those
# environments' gateway addresses are known (azure_vpn_peers, gcp_vpn_peers). The ASNs are those
# of terraform/modules/azure-vpn and gcp-vpn; the ranges those of the two environments.
locals {
  vpn_links = {
    azure = { asn = 65010, cidr = "10.40.0.0/16", peers = var.azure_vpn_peers }
    gcp   = { asn = 65020, cidr = "10.50.0.0/16", peers = var.gcp_vpn_peers }
  }
}

module "vpn" {
  source   = "../../modules/aws-vpn"
  for_each = local.vpn_links

  create          = length(each.value.peers) > 0
  name            = "${local.name}-${each.key}"
  vpc_id          = module.network.vpc_id
  vpc_cidr        = var.vpc_cidr
  route_table_ids = module.network.private_route_table_ids
  peer_asn        = each.value.asn
  peer_cidr       = each.value.cidr
  peers           = each.value.peers
  preshared_keys  = var.vpn_preshared_keys
}
