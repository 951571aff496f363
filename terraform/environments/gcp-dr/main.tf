locals {
  # Data sovereignty: every resource of this environment stays in these regions (EU only;
  # TF-DATA-RESIDENCY in tools/terraform refuses anything else).
  data_residency = ["europe-west3", "europe-west4", "europe-west1"]

  environment = "gcp-dr"
  name        = "fediflow-dr"

  # The DR cluster runs the production workloads (deploy/overlays/secondary-cloud): its secrets are
  # fediflow-production-<secret> in Secret Manager.
  workload_environment = "production"
}

module "network" {
  source = "../../modules/gcp-network"

  name          = local.name
  project_id    = var.project_id
  region        = var.region
  address_space = var.address_space
}

module "kms" {
  source = "../../modules/gcp-kms"

  name       = local.name
  project_id = var.project_id
  region     = var.region
}

module "gke" {
  source = "../../modules/gcp-gke"

  name                    = "fediflow-${local.environment}"
  project_id              = var.project_id
  region                  = var.region
  kubernetes_version      = var.kubernetes_version
  network_id              = module.network.network_id
  subnetwork_id           = module.network.subnetwork_id
  master_authorized_cidrs = var.master_authorized_cidrs
  secrets_kms_key_id      = module.kms.gke_secrets_key_id
  min_nodes               = 3
  max_nodes               = 12
}

# Subscriber of the AWS primary through logical replication (tools/replicate-database.ts).
module "cloud_sql" {
  source = "../../modules/gcp-cloud-sql"

  name               = local.name
  project_id         = var.project_id
  region             = var.region
  network_id         = module.network.network_id
  retained_backups   = 14
  database_secret_id = module.secrets.ids["database-credentials"]
}

module "memorystore" {
  source = "../../modules/gcp-memorystore"

  name       = local.name
  project_id = var.project_id
  region     = var.region
  network_id = module.network.network_id
}

module "secrets" {
  source = "../../modules/gcp-secret-manager"

  project_id             = var.project_id
  prefix                 = "fediflow-${local.workload_environment}"
  replica_kms_keys       = { (var.region) = module.kms.secret_manager_key_id }
  reader_service_account = module.gke.external_secrets_service_account
}

# Argo CD with the root Application → argocd/clusters/gcp-dr (the production workloads through
# deploy/overlays/secondary-cloud, this cloud's add-ons through argocd/components/).
module "argocd" {
  source = "../../modules/argocd-bootstrap"

  cluster           = "gcp-dr"
  repository_url    = var.gitops_repository_url
  target_revision   = var.gitops_target_revision
  high_availability = true

  depends_on = [module.gke]
}

# Private link to the AWS primary (replication, operators): HA VPN first, whose two interface
# addresses become terraform/environments/production's gcp customer gateways; then aws_tunnels
# from that apply's vpn_tunnels.gcp output (docs/infrastructure.md, "Private connectivity").
module "vpn" {
  source = "../../modules/gcp-vpn"

  name             = local.name
  project_id       = var.project_id
  region           = var.region
  network_id       = module.network.network_id
  advertised_range = var.address_space
  aws_tunnels      = var.aws_vpn_tunnels
  preshared_keys   = var.vpn_preshared_keys
}
