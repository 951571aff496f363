# Ephemeral, like the database password: the token exists only during plan/apply and reaches
# ElastiCache and Secrets Manager through write-only arguments, never the state.
ephemeral "random_password" "auth_token" {
  count = var.create ? 1 : 0

  # ElastiCache AUTH tokens: 16-128 printable characters without @, " or /.
  length  = 64
  special = false
}

resource "aws_kms_key" "this" {
  count = var.create ? 1 : 0

  description             = "At-rest encryption of ${var.name} Redis"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = var.tags
}

resource "aws_security_group" "this" {
  count = var.create ? 1 : 0

  name_prefix = "${var.name}-redis-"
  description = "Redis from the EKS cluster"
  vpc_id      = var.vpc_id
  tags        = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "this" {
  for_each = var.create ? toset(var.allowed_security_group_ids) : toset([])

  security_group_id            = aws_security_group.this[0].id
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  description                  = "Redis from ${each.value}"
}

resource "aws_elasticache_subnet_group" "this" {
  count = var.create ? 1 : 0

  name       = "${var.name}-redis"
  subnet_ids = var.subnet_ids
  tags       = var.tags
}

resource "aws_elasticache_replication_group" "this" {
  count = var.create ? 1 : 0

  replication_group_id = var.name
  description          = "FediFlow cache and queues (${var.name})"
  engine               = "redis"
  engine_version       = var.engine_version
  node_type            = var.node_type
  num_cache_clusters   = var.num_cache_clusters
  port                 = 6379
  parameter_group_name = "default.redis7"

  subnet_group_name  = aws_elasticache_subnet_group.this[0].name
  security_group_ids = [aws_security_group.this[0].id]

  automatic_failover_enabled = true
  multi_az_enabled           = true

  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.this[0].arn
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"
  auth_token_wo              = ephemeral.random_password.auth_token[0].result
  auth_token_wo_version      = var.auth_token_version
  auth_token_update_strategy = "ROTATE"

  snapshot_retention_limit = var.snapshot_retention_days
  snapshot_window          = "03:00-04:00"
  maintenance_window       = "sun:04:30-sun:05:30"
  apply_immediately        = false

  tags = var.tags
}

resource "aws_secretsmanager_secret" "this" {
  count = var.create ? 1 : 0

  name                    = "${var.secret_prefix}/redis-credentials"
  description             = "REDIS_URL for the FediFlow services (read by ExternalSecrets)"
  recovery_window_in_days = 7
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "this" {
  count = var.create ? 1 : 0

  secret_id = aws_secretsmanager_secret.this[0].id
  secret_string_wo = jsonencode({
    REDIS_URL = format(
      "rediss://:%s@%s:%d",
      ephemeral.random_password.auth_token[0].result,
      aws_elasticache_replication_group.this[0].primary_endpoint_address,
      aws_elasticache_replication_group.this[0].port,
    )
  })
  secret_string_wo_version = var.auth_token_version
}
