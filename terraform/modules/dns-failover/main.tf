data "aws_route53_zone" "this" {
  count = var.create ? 1 : 0

  name = var.zone_name
}

resource "aws_route53_health_check" "this" {
  count = var.create ? 1 : 0

  type              = "HTTPS"
  fqdn              = var.host
  port              = 443
  resource_path     = var.health_check_path
  enable_sni        = true
  request_interval  = var.request_interval
  failure_threshold = var.failure_threshold
  measure_latency   = true
  tags              = merge(var.tags, { Name = "${var.host}-ready" })
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
