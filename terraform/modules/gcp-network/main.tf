# The private network of one Google Cloud environment: a subnetwork with the GKE pods and services
# ranges, Cloud NAT for egress (nodes have no external IPs) and private services access, over which
# Cloud SQL and Memorystore get their private addresses.
resource "google_compute_network" "this" {
  count = var.create ? 1 : 0

  name                    = var.name
  project                 = var.project_id
  auto_create_subnetworks = false
}

resource "google_compute_subnetwork" "this" {
  count = var.create ? 1 : 0

  name                     = "${var.name}-nodes"
  project                  = var.project_id
  region                   = var.region
  network                  = google_compute_network.this[0].id
  ip_cidr_range            = cidrsubnet(var.address_space, 4, 0)
  private_ip_google_access = true

  secondary_ip_range {
    range_name    = "pods"
    ip_cidr_range = cidrsubnet(var.address_space, 2, 1)
  }
  secondary_ip_range {
    range_name    = "services"
    ip_cidr_range = cidrsubnet(var.address_space, 4, 1)
  }
}

resource "google_compute_router" "this" {
  count = var.create ? 1 : 0

  name    = var.name
  project = var.project_id
  region  = var.region
  network = google_compute_network.this[0].id
}

resource "google_compute_router_nat" "this" {
  count = var.create ? 1 : 0

  name                               = var.name
  project                            = var.project_id
  region                             = var.region
  router                             = google_compute_router.this[0].name
  nat_ip_allocate_option             = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat = "ALL_SUBNETWORKS_ALL_IP_RANGES"
}

resource "google_compute_global_address" "services" {
  count = var.create ? 1 : 0

  name          = "${var.name}-services"
  project       = var.project_id
  purpose       = "VPC_PEERING"
  address_type  = "INTERNAL"
  prefix_length = 20
  network       = google_compute_network.this[0].id
}

resource "google_service_networking_connection" "this" {
  count = var.create ? 1 : 0

  network                 = google_compute_network.this[0].id
  service                 = "servicenetworking.googleapis.com"
  reserved_peering_ranges = [google_compute_global_address.services[0].name]
}
