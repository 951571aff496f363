data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  # Restore-testing plan names allow letters, digits and underscores only.
  restore_plan_name = replace(var.name, "-", "_")
  policy_prefix     = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role"
  validate          = var.create && var.create_restore_validation
}

resource "aws_kms_key" "this" {
  count = var.create ? 1 : 0

  description             = "Backup vault ${var.name}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = var.tags
}

resource "aws_kms_key" "secondary" {
  count    = var.create ? 1 : 0
  provider = aws.secondary

  description             = "Backup vault ${var.name} (DR copies)"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = var.tags
}

resource "aws_backup_vault" "this" {
  count = var.create ? 1 : 0

  name        = var.name
  kms_key_arn = aws_kms_key.this[0].arn
  tags        = var.tags
}

resource "aws_backup_vault" "secondary" {
  count    = var.create ? 1 : 0
  provider = aws.secondary

  name        = "${var.name}-dr"
  kms_key_arn = aws_kms_key.secondary[0].arn
  tags        = var.tags
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["backup.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  count = var.create ? 1 : 0

  name_prefix        = "${var.name}-backup-"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each = var.create ? toset(["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"]) : toset([])

  role       = aws_iam_role.this[0].name
  policy_arn = "${local.policy_prefix}/${each.key}"
}

resource "aws_backup_plan" "this" {
  count = var.create ? 1 : 0

  name = var.name

  # Continuous backup: point-in-time restore in the primary region (RPO of minutes).
  rule {
    rule_name                = "continuous"
    target_vault_name        = aws_backup_vault.this[0].name
    schedule                 = "cron(0 * ? * * *)"
    enable_continuous_backup = true

    lifecycle {
      delete_after = var.continuous_retention_days
    }
  }

  # Daily snapshot copied to the DR region: survives the loss of the primary region.
  rule {
    rule_name         = "daily-with-dr-copy"
    target_vault_name = aws_backup_vault.this[0].name
    schedule          = "cron(0 1 ? * * *)"

    lifecycle {
      delete_after = var.daily_retention_days
    }

    copy_action {
      destination_vault_arn = aws_backup_vault.secondary[0].arn

      lifecycle {
        delete_after = var.daily_retention_days
      }
    }
  }

  tags = var.tags
}

resource "aws_backup_selection" "this" {
  count = var.create ? 1 : 0

  name         = var.name
  plan_id      = aws_backup_plan.this[0].id
  iam_role_arn = aws_iam_role.this[0].arn
  resources    = var.resource_arns
}

# Restores the latest recovery point every week; the restoreValidation Lambda (validation.tf) checks
# the restored copy and reports the verdict back to AWS Backup: backups that were never restored
# are not backups.
resource "aws_backup_restore_testing_plan" "this" {
  count = var.create ? 1 : 0

  name                = local.restore_plan_name
  schedule_expression = var.restore_test_schedule

  recovery_point_selection {
    algorithm             = "LATEST_WITHIN_WINDOW"
    include_vaults        = [aws_backup_vault.this[0].arn]
    recovery_point_types  = ["CONTINUOUS", "SNAPSHOT"]
    selection_window_days = 7
  }

  tags = var.tags
}

resource "aws_backup_restore_testing_selection" "this" {
  count = var.create ? 1 : 0

  name                      = "${local.restore_plan_name}_rds"
  restore_testing_plan_name = aws_backup_restore_testing_plan.this[0].name
  protected_resource_type   = "RDS"
  iam_role_arn              = aws_iam_role.this[0].arn
  protected_resource_arns   = var.resource_arns
  validation_window_hours   = 2

  # The restored copy gets the security group the validator may reach (not the VPC's default).
  restore_metadata_overrides = merge(
    { dbsubnetgroupname = var.restore_test_subnet_group_name },
    local.validate ? { vpcsecuritygroupids = jsonencode([aws_security_group.restored[0].id]) } : {},
  )
}
