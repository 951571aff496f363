output "interface_ips" {
  description = "The HA VPN gateway's two interface addresses: the customer gateways of terraform/modules/aws-vpn."
  value       = try([for interface in google_compute_ha_vpn_gateway.this[0].vpn_interfaces : interface.ip_address], [])
}
