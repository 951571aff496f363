# Cross-cloud failover that does not depend on the cloud that failed. The public zone is served
# by two independent providers: Route 53 (terraform/modules/dns-failover, AWS primary → AWS dr)
# and this Azure DNS copy, both listed as the domain's name servers at the registrar. Here the
# record is an alias of a Traffic Manager profile that health-checks every cloud's gateway with
# the services' own readiness contract (HTTPS GET /ready, Host: the public name; 503 while a
# dependency is down or a pod drains) and answers the first healthy one by priority: AWS primary,
# AWS dr, Azure, Google Cloud — the same order as Route 53's, so both providers agree while AWS
# answers. With AWS down, resolvers that get no answer from Route 53's servers retry Azure's; with
# Azure down, Route 53 still answers.
resource "azurerm_dns_zone" "this" {
  count = var.create ? 1 : 0

  name                = var.zone_name
  resource_group_name = var.resource_group_name
  tags                = var.tags
}

resource "azurerm_traffic_manager_profile" "this" {
  count = var.create ? 1 : 0

  name                   = var.name
  resource_group_name    = var.resource_group_name
  traffic_routing_method = "Priority"

  dns_config {
    relative_name = var.name
    ttl           = var.ttl
  }

  monitor_config {
    protocol                     = "HTTPS"
    port                         = 443
    path                         = "/ready"
    expected_status_code_ranges  = ["200-200"]
    interval_in_seconds          = 10
    timeout_in_seconds           = 5
    tolerated_number_of_failures = 2

    custom_header {
      name  = "host"
      value = var.host == "@" ? var.zone_name : "${var.host}.${var.zone_name}"
    }
  }

  tags = var.tags
}

resource "azurerm_traffic_manager_external_endpoint" "this" {
  for_each = var.create ? var.endpoints : {}

  name       = each.key
  profile_id = azurerm_traffic_manager_profile.this[0].id
  target     = each.value.target
  priority   = each.value.priority
}

# The public name: an alias of the profile (an apex CNAME is impossible; Azure DNS alias records
# resolve the profile's answer at the apex).
resource "azurerm_dns_a_record" "this" {
  count = var.create ? 1 : 0

  name                = var.host
  zone_name           = azurerm_dns_zone.this[0].name
  resource_group_name = var.resource_group_name
  ttl                 = var.ttl
  target_resource_id  = azurerm_traffic_manager_profile.this[0].id
  tags                = var.tags
}
