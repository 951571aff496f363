data "aws_route53_zone" "this" {
  count = var.create ? 1 : 0

  name = var.zone_name
}

# Probes the primary load balancer itself. Probing var.host (the failover record) would follow
# the failover: once the record points at DR, the check measures DR, turns healthy and flips the
# record back to the broken primary. TCP because an HTTPS probe of the load balancer's own name
# sends that name as Host, which the Istio Gateway (hosts: the public host) does not route.
resource "aws_route53_health_check" "this" {
  count = var.create ? 1 : 0

  type              = "TCP"
  fqdn              = var.primary.dns_name
  port              = 443
  request_interval  = var.request_interval
  failure_threshold = var.failure_threshold
  measure_latency   = true
  tags              = merge(var.tags, { Name = "${var.host}-primary-lb" })
}

resource "aws_route53_record" "primary" {
  count = var.create ? 1 : 0

  zone_id         = data.aws_route53_zone.this[0].zone_id
  name            = var.host
  type            = "A"
  set_identifier  = "primary"
  health_check_id = aws_route53_health_check.this[0].id

  failover_routing_policy {
    type = "PRIMARY"
  }

  alias {
    name                   = var.primary.dns_name
    zone_id                = var.primary.zone_id
    evaluate_target_health = true
  }
}

resource "aws_route53_record" "secondary" {
  count = var.create ? 1 : 0

  zone_id        = data.aws_route53_zone.this[0].zone_id
  name           = var.host
  type           = "A"
  set_identifier = "secondary"

  failover_routing_policy {
    type = "SECONDARY"
  }

  alias {
    name                   = var.secondary.dns_name
    zone_id                = var.secondary.zone_id
    evaluate_target_health = true
  }
}
