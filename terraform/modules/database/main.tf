locals {
  is_replica     = var.replicate_source_identifier != null
  create_primary = var.create && !local.is_replica
  create_replica = var.create && local.is_replica

  master_secret_name = "${var.secret_prefix}/database-master"

  # Ephemeral: the password exists only during plan/apply, never in state.
  password = local.create_primary ? ephemeral.random_password.master[0].result : (
    local.create_replica ? ephemeral.aws_secretsmanager_secret_version.source_master[0].secret_string : null
  )
}

resource "aws_kms_key" "this" {
  count = var.create ? 1 : 0

  description             = "Storage, Performance Insights and backups of ${var.name}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = var.tags
}

resource "aws_kms_key" "secondary" {
  count    = local.create_primary && var.cross_region_backup_enabled ? 1 : 0
  provider = aws.secondary

  description             = "Replicated automated backups of ${var.name}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = var.tags
}

resource "aws_security_group" "this" {
  count = var.create ? 1 : 0

  name_prefix = "${var.name}-postgres-"
  description = "PostgreSQL from the EKS cluster"
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
  from_port                    = 5432
  to_port                      = 5432
  description                  = "PostgreSQL from ${each.value}"
}

resource "aws_db_parameter_group" "this" {
  count = var.create ? 1 : 0

  name_prefix = "${var.name}-"
  family      = "postgres${var.engine_version}"
  tags        = var.tags

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  # Logical decoding, so Azure Flexible Server / Cloud SQL can subscribe (tools/replicate-database.ts).
  # Static parameter: takes effect at the next reboot.
  parameter {
    name         = "rds.logical_replication"
    value        = "1"
    apply_method = "pending-reboot"
  }

  lifecycle {
    create_before_destroy = true
  }
}

ephemeral "random_password" "master" {
  count = local.create_primary ? 1 : 0

  length  = 40
  special = false
}

# A DR replica shares the primary's credentials; the primary replicates this secret into the DR region.
ephemeral "aws_secretsmanager_secret_version" "source_master" {
  count = local.create_replica ? 1 : 0

  secret_id = local.master_secret_name
}

data "aws_db_instance" "source" {
  count    = local.create_replica ? 1 : 0
  provider = aws.secondary

  db_instance_identifier = var.replicate_source_identifier
}

resource "aws_db_instance" "this" {
  count = var.create ? 1 : 0

  identifier     = var.name
  engine         = local.is_replica ? null : "postgres"
  engine_version = local.is_replica ? null : var.engine_version
  instance_class = var.instance_class

  replicate_source_db = local.is_replica ? data.aws_db_instance.source[0].db_instance_arn : null

  db_name             = local.is_replica ? null : var.database_name
  username            = local.is_replica ? null : var.username
  password_wo         = local.is_replica ? null : local.password
  password_wo_version = local.is_replica ? null : var.password_version

  allocated_storage     = local.is_replica ? null : var.allocated_storage
  max_allocated_storage = var.max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = aws_kms_key.this[0].arn

  multi_az               = true
  db_subnet_group_name   = var.db_subnet_group_name
  vpc_security_group_ids = [aws_security_group.this[0].id]
  parameter_group_name   = aws_db_parameter_group.this[0].name
  publicly_accessible    = false

  # Automated backups give point-in-time recovery within the retention window.
  backup_retention_period   = var.backup_retention_days
  backup_window             = "02:00-03:00"
  maintenance_window        = "sun:03:30-sun:04:30"
  copy_tags_to_snapshot     = true
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = false
  final_snapshot_identifier = "${var.name}-final"

  performance_insights_enabled          = true
  performance_insights_kms_key_id       = aws_kms_key.this[0].arn
  performance_insights_retention_period = 7

  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  iam_database_authentication_enabled = true
  auto_minor_version_upgrade          = true
  apply_immediately                   = false

  tags = var.tags
}

# Ships snapshots and transaction logs to the DR region: point-in-time restore there within ~5 minutes of loss.
resource "aws_db_instance_automated_backups_replication" "this" {
  count    = local.create_primary && var.cross_region_backup_enabled ? 1 : 0
  provider = aws.secondary

  source_db_instance_arn = aws_db_instance.this[0].arn
  kms_key_id             = aws_kms_key.secondary[0].arn
  retention_period       = var.backup_replication_retention_days
}

resource "aws_secretsmanager_secret" "master" {
  count = local.create_primary ? 1 : 0

  name                    = local.master_secret_name
  description             = "Master password of ${var.name} (replicated to the DR region)"
  recovery_window_in_days = 7
  tags                    = var.tags

  dynamic "replica" {
    for_each = toset(var.secret_replica_regions)
    content {
      region = replica.value
    }
  }
}

resource "aws_secretsmanager_secret_version" "master" {
  count = local.create_primary ? 1 : 0

  secret_id                = aws_secretsmanager_secret.master[0].id
  secret_string_wo         = local.password
  secret_string_wo_version = var.password_version
}

resource "aws_secretsmanager_secret" "credentials" {
  count = var.create ? 1 : 0

  name                    = "${var.secret_prefix}/database-credentials"
  description             = "DATABASE_URL for the FediFlow services (read by ExternalSecrets)"
  recovery_window_in_days = 7
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "credentials" {
  count = var.create ? 1 : 0

  secret_id = aws_secretsmanager_secret.credentials[0].id
  secret_string_wo = jsonencode({
    DATABASE_URL = format(
      "postgres://%s:%s@%s:%d/%s?sslmode=require",
      var.username,
      urlencode(local.password),
      aws_db_instance.this[0].address,
      aws_db_instance.this[0].port,
      var.database_name,
    )
  })
  secret_string_wo_version = var.password_version
}
