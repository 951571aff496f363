# The AWS end of the private links to Azure and Google Cloud: a virtual private gateway on the
# VPC, one customer gateway per peer address (Azure's two active-active gateway IPs, Google's two
# HA VPN interfaces), and one IPsec connection per peer, IKEv2 only with AES-256-GCM, BGP routes
# propagated into the private route tables. Traffic selectors are the two private ranges, never
# 0.0.0.0/0 (tools/terraform TF-VPN-IKEV2, TF-VPN-ROUTES).
resource "aws_vpn_gateway" "this" {
  count = var.create ? 1 : 0

  vpc_id          = var.vpc_id
  amazon_side_asn = var.amazon_side_asn
  tags            = merge(var.tags, { Name = var.name })
}

resource "aws_vpn_gateway_route_propagation" "this" {
  for_each = var.create ? toset(var.route_table_ids) : toset([])

  vpn_gateway_id = aws_vpn_gateway.this[0].id
  route_table_id = each.value
}

resource "aws_customer_gateway" "this" {
  for_each = var.create ? var.peers : {}

  bgp_asn    = var.peer_asn
  ip_address = each.value.ip_address
  type       = "ipsec.1"
  tags       = merge(var.tags, { Name = "${var.name}-${each.key}" })
}

resource "aws_vpn_connection" "this" {
  for_each = var.create ? var.peers : {}

  vpn_gateway_id      = aws_vpn_gateway.this[0].id
  customer_gateway_id = aws_customer_gateway.this[each.key].id
  type                = "ipsec.1"
  static_routes_only  = false

  local_ipv4_network_cidr  = var.peer_cidr
  remote_ipv4_network_cidr = var.vpc_cidr

  tunnel1_inside_cidr                  = each.value.tunnel_inside_cidrs[0]
  tunnel2_inside_cidr                  = each.value.tunnel_inside_cidrs[1]
  tunnel1_preshared_key                = var.preshared_keys["${each.key}-1"]
  tunnel2_preshared_key                = var.preshared_keys["${each.key}-2"]
  tunnel1_ike_versions                 = ["ikev2"]
  tunnel2_ike_versions                 = ["ikev2"]
  tunnel1_phase1_encryption_algorithms = ["AES256-GCM-16"]
  tunnel2_phase1_encryption_algorithms = ["AES256-GCM-16"]
  tunnel1_phase2_encryption_algorithms = ["AES256-GCM-16"]
  tunnel2_phase2_encryption_algorithms = ["AES256-GCM-16"]
  tunnel1_phase1_integrity_algorithms  = ["SHA2-256"]
  tunnel2_phase1_integrity_algorithms  = ["SHA2-256"]
  tunnel1_phase1_dh_group_numbers      = [20]
  tunnel2_phase1_dh_group_numbers      = [20]
  tunnel1_phase2_dh_group_numbers      = [20]
  tunnel2_phase2_dh_group_numbers      = [20]

  tunnel1_log_options {
    cloudwatch_log_options {
      log_enabled = true
    }
  }
  tunnel2_log_options {
    cloudwatch_log_options {
      log_enabled = true
    }
  }

  tags = merge(var.tags, { Name = "${var.name}-${each.key}" })
}
