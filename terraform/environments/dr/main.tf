locals {
  environment = "dr"
  name        = "fediflow-${local.environment}"

  # The DR cluster runs the production workloads: same namespace, same secret names, in this region.
  workload_environment = "production"
  secret_prefix        = "fediflow/${local.workload_environment}"

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
  single_nat_gateway = true
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

# Cross-region read replica of production: promoted on failover (minutes), lag of seconds.
module "database" {
  source = "../../modules/database"
  providers = {
    aws           = aws
    aws.secondary = aws.secondary
  }

  name                        = local.name
  secret_prefix               = local.secret_prefix
  replicate_source_identifier = "fediflow-${local.workload_environment}"
  instance_class              = var.db_instance_class
  vpc_id                      = module.network.vpc_id
  db_subnet_group_name        = module.network.database_subnet_group_name
  allowed_security_group_ids  = [module.eks.cluster_security_group_id]
  backup_retention_days       = 7
  deletion_protection         = true
}

module "cache" {
  source = "../../modules/cache"

  name                       = local.name
  secret_prefix              = local.secret_prefix
  node_type                  = var.redis_node_type
  num_cache_clusters         = 2
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.database_subnet_ids
  allowed_security_group_ids = [module.eks.cluster_security_group_id]
}

module "queue" {
  source = "../../modules/queue"

  name = local.name
}

# The SMTP secret arrives as a replica of production's; only the SES identity is regional.
module "mail" {
  source = "../../modules/mail"

  domain             = var.domain
  secret_prefix      = local.secret_prefix
  create_smtp_secret = false
}

# The replica of production's media: this region's bucket (own KMS key, versioning, lifecycle,
# CloudFront) receives every object of production's through S3 Cross-Region Replication, and the
# DR cluster's api serves it from here (deploy/overlays/dr media-config).
module "media_storage" {
  source = "../../modules/media-storage"

  name = local.name
}

# Like the database replica, the copy is configured from this side: production's bucket
# replicates into the one above (the configuration lives on production's bucket, in its region).
module "media_replication" {
  source = "../../modules/media-replication"
  providers = {
    aws        = aws
    aws.source = aws.secondary
  }

  create              = var.media_replication_enabled
  name                = local.name
  source_name         = "fediflow-${local.workload_environment}"
  replica_bucket_arn  = module.media_storage.bucket_arn
  replica_kms_key_arn = module.media_storage.kms_key_arn
  tags                = local.tags

  # The replica bucket's versioning must exist before replication is configured.
  depends_on = [module.media_storage]
}

module "workload_identity" {
  source = "../../modules/workload-identity"

  name               = local.name
  cluster_name       = module.eks.cluster_name
  app_namespace      = "fediflow-${local.workload_environment}"
  secret_name_prefix = local.secret_prefix
  queue_arns         = [module.queue.queue_arn]
  dns_zone_name      = var.domain
  media_bucket_arn   = module.media_storage.bucket_arn
  media_kms_key_arn  = module.media_storage.kms_key_arn
}

# The secondary clouds' clusters (Azure, Google Cloud) serve this region's media as well: their api
# and workers assume a role with their own service account tokens (OIDC federation).
module "external_media_access" {
  source = "../../modules/external-media-access"

  name              = local.name
  clusters          = var.external_media_clusters
  media_policy_json = module.workload_identity.media_policy_json
}

module "argocd" {
  source = "../../modules/argocd-bootstrap"

  cluster         = "dr"
  repository_url  = var.gitops_repository_url
  target_revision = var.gitops_target_revision

  depends_on = [module.eks]
}
