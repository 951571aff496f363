# The Google Cloud end of the private link to the AWS primary: an HA VPN gateway (two interfaces,
# 99.99 % SLA), the AWS side as an external VPN gateway with the four tunnel addresses of two AWS
# connections, a Cloud Router advertising only the VPC's private range, and four IKEv2 tunnels
# with their BGP sessions (tools/terraform TF-VPN-IKEV2, TF-VPN-ROUTES).
resource "google_compute_ha_vpn_gateway" "this" {
  count = var.create ? 1 : 0

  name    = "${var.name}-vpn"
  project = var.project_id
  region  = var.region
  network = var.network_id
}

resource "google_compute_external_vpn_gateway" "aws" {
  count = var.create && length(var.aws_tunnels) > 0 ? 1 : 0

  name            = "${var.name}-aws"
  project         = var.project_id
  redundancy_type = "FOUR_IPS_REDUNDANCY"

  dynamic "interface" {
    for_each = var.aws_tunnels
    content {
      id         = interface.value.interface
      ip_address = interface.value.outside_address
    }
  }
}

resource "google_compute_router" "this" {
  count = var.create ? 1 : 0

  name    = "${var.name}-vpn"
  project = var.project_id
  region  = var.region
  network = var.network_id

  bgp {
    asn               = var.asn
    advertise_mode    = "CUSTOM"
    advertised_groups = []
    advertised_ip_ranges {
      range = var.advertised_range
    }
  }
}

resource "google_compute_vpn_tunnel" "aws" {
  for_each = var.create ? var.aws_tunnels : {}

  name                            = "${var.name}-aws-${each.key}"
  project                         = var.project_id
  region                          = var.region
  vpn_gateway                     = google_compute_ha_vpn_gateway.this[0].id
  vpn_gateway_interface           = each.value.interface < 2 ? 0 : 1
  peer_external_gateway           = google_compute_external_vpn_gateway.aws[0].id
  peer_external_gateway_interface = each.value.interface
  router                          = google_compute_router.this[0].id
  ike_version                     = 2
  shared_secret                   = var.preshared_keys[each.key]
}

resource "google_compute_router_interface" "aws" {
  for_each = var.create ? var.aws_tunnels : {}

  name       = "${var.name}-aws-${each.key}"
  project    = var.project_id
  region     = var.region
  router     = google_compute_router.this[0].name
  ip_range   = "${each.value.google_inside_ip}/30"
  vpn_tunnel = google_compute_vpn_tunnel.aws[each.key].name
}

resource "google_compute_router_peer" "aws" {
  for_each = var.create ? var.aws_tunnels : {}

  name            = "${var.name}-aws-${each.key}"
  project         = var.project_id
  region          = var.region
  router          = google_compute_router.this[0].name
  interface       = google_compute_router_interface.aws[each.key].name
  peer_ip_address = each.value.aws_inside_ip
  peer_asn        = var.aws_asn
}
