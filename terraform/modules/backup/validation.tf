# The restore-testing validation AWS documents: an EventBridge rule on the plan's completed restore
# jobs invokes the restoreValidation Lambda (apps/workers/src/lambda/restore-validation.handler.ts),
# which runs the shared integrity checks on the restored RDS instance and calls
# PutRestoreValidationResult. A schedule runs its recency check for the 8-day alarm.

locals {
  validation_function = "${var.name}-restore-validation"
  arn_suffix          = "${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}"
}

# ---------------------------------------------------------------- network

resource "aws_security_group" "validation" {
  count = local.validate ? 1 : 0

  name_prefix = "${var.name}-restore-validation-"
  description = "FediFlow restoreValidation Lambda: PostgreSQL of restored copies, HTTPS to RDS, AWS Backup and SSM."
  vpc_id      = var.vpc_id
  tags        = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "restored" {
  count = local.validate ? 1 : 0

  name_prefix = "${var.name}-restore-test-"
  description = "RDS instances restored by the restore-testing plan: only the restoreValidation Lambda gets in."
  vpc_id      = var.vpc_id
  tags        = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_egress_rule" "validation_https" {
  count = local.validate ? 1 : 0

  security_group_id = aws_security_group.validation[0].id
  description       = "HTTPS: RDS, AWS Backup and SSM APIs"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "validation_postgres" {
  count = local.validate ? 1 : 0

  security_group_id            = aws_security_group.validation[0].id
  description                  = "PostgreSQL of the restored copies"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.restored[0].id
}

resource "aws_vpc_security_group_ingress_rule" "restored_postgres" {
  count = local.validate ? 1 : 0

  security_group_id            = aws_security_group.restored[0].id
  description                  = "FediFlow restoreValidation Lambda"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.validation[0].id
}

# ---------------------------------------------------------------- function

data "aws_iam_policy_document" "validation" {
  # Restore testing names the instances it creates awsbackup-restore-test-<random>.
  statement {
    sid       = "FindRestoredInstances"
    actions   = ["rds:DescribeDBInstances"]
    resources = ["arn:${data.aws_partition.current.partition}:rds:${local.arn_suffix}:db:awsbackup-restore-test-*"]
  }

  # Restore jobs have no ARN that IAM policies can name.
  statement {
    sid       = "ReportValidation"
    actions   = ["backup:PutRestoreValidationResult", "backup:ListRestoreJobs"]
    resources = ["*"]
  }
}

module "validation" {
  source = "../lambda-function"
  count  = local.validate ? 1 : 0

  function_name = local.validation_function
  description   = "FediFlow restoreValidation: integrity checks of each restore test's RDS copy, reported to AWS Backup."
  zip           = var.restore_validation_zip
  # amcheck reads every heap and index of the copy; Lambda's maximum, well inside the 2 h window.
  timeout     = 900
  memory_size = 512
  # A validation and the recency check may overlap; more is never needed (one copy per week).
  reserved_concurrency = 2
  environment = {
    NODE_ENV                         = "production"
    LOG_LEVEL                        = "info"
    DATABASE_URL_SSM_PARAMETER       = var.database_url_parameter
    DATABASE_CONNECT_TIMEOUT_MS      = "10000"
    RESTORE_TESTING_PLAN_ARN         = aws_backup_restore_testing_plan.this[0].arn
    BACKUP_VERIFY_MAX_DATA_AGE_HOURS = tostring(var.restore_validation_max_data_age_hours)
  }
  parameters                     = [var.database_url_parameter]
  parameters_kms_key_arn         = var.parameters_kms_key_arn
  parameters_extension_layer_arn = var.parameters_extension_layer_arn
  policy_json                    = data.aws_iam_policy_document.validation.json
  subnet_ids                     = var.subnet_ids
  security_group_ids             = [aws_security_group.validation[0].id]
  errors_alarm = {
    evaluation_periods = 1
    description        = "restoreValidation invocations failed as a whole (configuration, AWS Backup API): the copy was not judged."
  }
  throttles_alarm_description = "restoreValidation is throttled (reserved concurrency 2): more restore tests overlap than the plan creates."
  alarm_actions               = var.alarm_actions
  log_retention_days          = var.log_retention_days
  tags                        = var.tags
}

# ---------------------------------------------------------------- events

resource "aws_cloudwatch_event_rule" "restore_completed" {
  count = local.validate ? 1 : 0

  name        = "${var.name}-restore-test-completed"
  description = "A restore job of the restore-testing plan completed: validate the copy."
  event_pattern = jsonencode({
    source        = ["aws.backup"]
    "detail-type" = ["Restore Job State Change"]
    detail = {
      status                = ["COMPLETED"]
      restoreTestingPlanArn = [aws_backup_restore_testing_plan.this[0].arn]
    }
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_rule" "recency" {
  count = local.validate ? 1 : 0

  name                = "${var.name}-restore-validation-recency"
  description         = "Reports how long ago a restore test last passed validation (HoursSinceLastSuccess)."
  schedule_expression = "rate(6 hours)"
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "validation" {
  for_each = local.validate ? { restore_completed = aws_cloudwatch_event_rule.restore_completed[0].name, recency = aws_cloudwatch_event_rule.recency[0].name } : {}

  rule = each.value
  arn  = module.validation[0].arn

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 3
  }
}

resource "aws_lambda_permission" "events" {
  for_each = local.validate ? { restore_completed = aws_cloudwatch_event_rule.restore_completed[0].arn, recency = aws_cloudwatch_event_rule.recency[0].arn } : {}

  statement_id  = "events-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = module.validation[0].function_name
  principal     = "events.amazonaws.com"
  source_arn    = each.value
}

# ---------------------------------------------------------------- alarms

locals {
  validation_metric_dimensions = local.validate ? { RestoreTestingPlan = aws_backup_restore_testing_plan.this[0].arn } : {}
}

resource "aws_cloudwatch_metric_alarm" "validation_failed" {
  count = local.validate ? 1 : 0

  alarm_name          = "${var.name}-restore-validation-failed"
  alarm_description   = "A restore test's copy failed the integrity checks or could not be reached: read the findings in /aws/lambda/${local.validation_function} (docs/infrastructure.md, Backup verification)."
  namespace           = "FediFlow/BackupVerification"
  metric_name         = "Success"
  dimensions          = local.validation_metric_dimensions
  statistic           = "Minimum"
  period              = 3600
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  # Between weekly restore tests there is no datapoint: that is the stale alarm's business.
  treat_missing_data = "notBreaching"
  alarm_actions      = var.alarm_actions
  ok_actions         = var.alarm_actions
  tags               = var.tags
}

# CloudWatch evaluates at most 7 days, so "8 days without a success" is measured by the function
# (HoursSinceLastSuccess, every 6 hours); no datapoint for a day means the check itself stopped.
resource "aws_cloudwatch_metric_alarm" "validation_stale" {
  count = local.validate ? 1 : 0

  alarm_name          = "${var.name}-restore-validation-stale"
  alarm_description   = "No restore test passed validation for 8 days (or the recency check stopped running): see docs/infrastructure.md, Backup verification."
  namespace           = "FediFlow/BackupVerification"
  metric_name         = "HoursSinceLastSuccess"
  dimensions          = local.validation_metric_dimensions
  statistic           = "Maximum"
  period              = 86400
  evaluation_periods  = 1
  threshold           = 192
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}
