resource "aws_sesv2_email_identity" "this" {
  count = var.create ? 1 : 0

  email_identity = var.domain
  tags           = var.tags
}

data "aws_route53_zone" "this" {
  count = var.create && var.create_dkim_records ? 1 : 0

  name = var.domain
}

resource "aws_route53_record" "dkim" {
  count = var.create && var.create_dkim_records ? 3 : 0

  zone_id = data.aws_route53_zone.this[0].zone_id
  name    = "${aws_sesv2_email_identity.this[0].dkim_signing_attributes[0].tokens[count.index]}._domainkey.${var.domain}"
  type    = "CNAME"
  ttl     = 1800
  records = ["${aws_sesv2_email_identity.this[0].dkim_signing_attributes[0].tokens[count.index]}.dkim.amazonses.com"]
}

# Terraform creates the container only: the SMTP_URL value comes from the mail provider and is written
# out of band (`aws secretsmanager put-secret-value`), so it never appears in code or state.
resource "aws_secretsmanager_secret" "smtp" {
  count = var.create_smtp_secret ? 1 : 0

  name                    = "${var.secret_prefix}/smtp-credentials"
  description             = "SMTP_URL for the workers (read by ExternalSecrets); value set by operators"
  recovery_window_in_days = 7
  tags                    = var.tags

  dynamic "replica" {
    for_each = toset(var.secret_replica_regions)
    content {
      region = replica.value
    }
  }
}
