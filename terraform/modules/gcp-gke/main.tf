# Regional GKE Standard with the guarantees of terraform/modules/eks: application-layer secrets
# encryption with a Cloud KMS key, private nodes (no external IPs), a control plane reachable only
# from authorised networks, GKE Workload Identity, autoscaling node pools in three zones.
resource "google_container_cluster" "this" {
  count = var.create ? 1 : 0

  name     = var.name
  project  = var.project_id
  location = var.region

  min_master_version = var.kubernetes_version
  release_channel {
    channel = "REGULAR"
  }

  network    = var.network_id
  subnetwork = var.subnetwork_id
  ip_allocation_policy {
    cluster_secondary_range_name  = "pods"
    services_secondary_range_name = "services"
  }

  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = var.private_endpoint
  }

  master_authorized_networks_config {
    dynamic "cidr_blocks" {
      for_each = var.master_authorized_cidrs
      content {
        cidr_block   = cidr_blocks.value
        display_name = "authorised ${cidr_blocks.value}"
      }
    }
  }

  database_encryption {
    state    = "ENCRYPTED"
    key_name = var.secrets_kms_key_id
  }

  workload_identity_config {
    workload_pool = "${var.project_id}.svc.id.goog"
  }

  datapath_provider = "ADVANCED_DATAPATH"
  logging_config {
    enable_components = ["SYSTEM_COMPONENTS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER", "WORKLOADS"]
  }

  # Node pools are managed below, not as the cluster's default pool.
  remove_default_node_pool = true
  initial_node_count       = 1
  deletion_protection      = true
}

resource "google_container_node_pool" "workloads" {
  count = var.create ? 1 : 0

  name     = "workloads"
  project  = var.project_id
  location = var.region
  cluster  = google_container_cluster.this[0].name

  autoscaling {
    total_min_node_count = var.min_nodes
    total_max_node_count = var.max_nodes
  }

  management {
    auto_repair  = true
    auto_upgrade = true
  }

  node_config {
    machine_type    = var.machine_type
    service_account = google_service_account.nodes[0].email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]

    shielded_instance_config {
      enable_secure_boot = true
    }
    workload_metadata_config {
      mode = "GKE_METADATA"
    }
  }
}

# Nodes run as a service account that may only write logs and metrics (not the default compute SA).
resource "google_service_account" "nodes" {
  count = var.create ? 1 : 0

  project      = var.project_id
  account_id   = "${var.name}-nodes"
  display_name = "Nodes of ${var.name}"
}

resource "google_project_iam_member" "nodes" {
  for_each = var.create ? toset(["roles/logging.logWriter", "roles/monitoring.metricWriter", "roles/artifactregistry.reader"]) : toset([])

  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.nodes[0].email}"
}

# Controllers that call Google Cloud, each as its own Kubernetes ServiceAccount acting as its own
# Google service account: External Secrets (Secret Manager grants it secretAccessor,
# gcp-secret-manager), cert-manager (Cloud DNS DNS-01). deploy/addons/values/gcp/ annotates the
# ServiceAccounts with the emails.
locals {
  workload_identities = {
    eso = { namespace = "external-secrets", service_account = "external-secrets", display = "External Secrets" }
    cm  = { namespace = "cert-manager", service_account = "cert-manager", display = "cert-manager" }
  }
}

resource "google_service_account" "workload" {
  for_each = var.create ? local.workload_identities : {}

  project      = var.project_id
  account_id   = "${var.name}-${each.key}"
  display_name = "${each.value.display} of ${var.name}"
}

resource "google_service_account_iam_member" "workload" {
  for_each = var.create ? local.workload_identities : {}

  service_account_id = google_service_account.workload[each.key].name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${var.project_id}.svc.id.goog[${each.value.namespace}/${each.value.service_account}]"
}

# DNS-01 challenges: cert-manager's Cloud DNS solver needs dns.admin on the zone's project.
resource "google_project_iam_member" "cert_manager_dns" {
  count = var.create ? 1 : 0

  project = var.project_id
  role    = "roles/dns.admin"
  member  = "serviceAccount:${google_service_account.workload["cm"].email}"
}

moved {
  from = google_service_account.external_secrets[0]
  to   = google_service_account.workload["eso"]
}

moved {
  from = google_service_account_iam_member.external_secrets[0]
  to   = google_service_account_iam_member.workload["eso"]
}
