# The Azure end of the private link to the AWS primary: an active-active, zone-redundant VPN
# gateway in the VNet's GatewaySubnet, one local network gateway per AWS tunnel (AWS's outside
# address and BGP peer inside address) and one connection per tunnel, IKEv2 with AES-256-GCM and
# DH group 20, routes over BGP only: the local network gateways hold no address space, so nothing
# (least of all 0.0.0.0/0) is routed statically (tools/terraform TF-VPN-IKEV2, TF-VPN-ROUTES).
resource "azurerm_public_ip" "this" {
  for_each = var.create ? toset(["0", "1"]) : toset([])

  name                = "${var.name}-vpn-${each.key}"
  location            = var.location
  resource_group_name = var.resource_group_name
  allocation_method   = "Static"
  sku                 = "Standard"
  zones               = ["1", "2", "3"]
  tags                = var.tags
}

resource "azurerm_virtual_network_gateway" "this" {
  count = var.create ? 1 : 0

  name                = "${var.name}-vpn"
  location            = var.location
  resource_group_name = var.resource_group_name
  type                = "Vpn"
  vpn_type            = "RouteBased"
  sku                 = "VpnGw2AZ"
  generation          = "Generation2"
  active_active       = true
  bgp_enabled         = true

  bgp_settings {
    asn = var.asn
    dynamic "peering_addresses" {
      for_each = azurerm_public_ip.this
      content {
        ip_configuration_name = "vpn-${peering_addresses.key}"
        apipa_addresses       = [for tunnel in values(var.aws_tunnels) : tunnel.azure_inside_ip if tunnel.gateway_instance == tonumber(peering_addresses.key)]
      }
    }
  }

  dynamic "ip_configuration" {
    for_each = azurerm_public_ip.this
    content {
      name                 = "vpn-${ip_configuration.key}"
      public_ip_address_id = ip_configuration.value.id
      subnet_id            = var.gateway_subnet_id
    }
  }

  tags = var.tags
}

resource "azurerm_local_network_gateway" "aws" {
  for_each = var.create ? var.aws_tunnels : {}

  name                = "${var.name}-aws-${each.key}"
  location            = var.location
  resource_group_name = var.resource_group_name
  gateway_address     = each.value.outside_address

  bgp_settings {
    asn                 = var.aws_asn
    bgp_peering_address = each.value.aws_inside_ip
  }

  tags = var.tags
}

resource "azurerm_virtual_network_gateway_connection" "aws" {
  for_each = var.create ? var.aws_tunnels : {}

  name                       = "${var.name}-aws-${each.key}"
  location                   = var.location
  resource_group_name        = var.resource_group_name
  type                       = "IPsec"
  connection_protocol        = "IKEv2"
  virtual_network_gateway_id = azurerm_virtual_network_gateway.this[0].id
  local_network_gateway_id   = azurerm_local_network_gateway.aws[each.key].id
  shared_key                 = var.preshared_keys[each.key]
  bgp_enabled                = true

  ipsec_policy {
    ike_encryption   = "GCMAES256"
    ike_integrity    = "SHA256"
    dh_group         = "ECP384"
    ipsec_encryption = "GCMAES256"
    ipsec_integrity  = "GCMAES256"
    pfs_group        = "ECP384"
    sa_lifetime      = 3600
  }

  tags = var.tags
}
