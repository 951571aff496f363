output "vpn_gateway_id" {
  description = "Virtual private gateway id."
  value       = try(aws_vpn_gateway.this[0].id, null)
}

output "tunnels" {
  description = "Per connection, the AWS outside addresses of its two tunnels (the peer's remote endpoints)."
  value = {
    for name, connection in aws_vpn_connection.this : name => {
      outside_addresses = [connection.tunnel1_address, connection.tunnel2_address]
      aws_inside_ips    = [connection.tunnel1_vgw_inside_address, connection.tunnel2_vgw_inside_address]
    }
  }
}
