data "aws_caller_identity" "current" {}

locals {
  # The seed's settings (docs/deployment.md#serverless-workers).
  functions = {
    activity-processor = {
      description = "FediFlow activityProcessor: inbound ActivityPub activities from SQS (the workers' inbox handlers)."
      zip         = var.activity_processor_zip
      timeout     = 30
      memory_size = 512
      reserved    = var.activity_reserved_concurrency
      parameters  = [var.database_url_parameter, var.redis_url_parameter]
      environment = {
        INBOUND_QUEUE     = "sqs"
        INBOUND_QUEUE_URL = var.queue_url
      }
    }
    email-sender = {
      description = "FediFlow emailSender: the email digest run every 5 minutes (single-run claim shared with the workers)."
      zip         = var.email_sender_zip
      timeout     = 60
      memory_size = 256
      # One run at a time: a slow run is never overlapped by the next interval's.
      reserved   = 1
      parameters = [var.database_url_parameter, var.redis_url_parameter, var.smtp_url_parameter]
      environment = {
        SMTP_URL_SSM_PARAMETER = var.smtp_url_parameter
      }
    }
  }

  # Secrets reach the functions as parameter names; the values are read at init (never in state).
  common_environment = {
    NODE_ENV                   = "production"
    LOG_LEVEL                  = "info"
    PUBLIC_ORIGIN              = var.public_origin
    REDIS_KEY_PREFIX           = var.redis_key_prefix
    DATABASE_POOL_SIZE         = "2"
    DATABASE_URL_SSM_PARAMETER = var.database_url_parameter
    REDIS_URL_SSM_PARAMETER    = var.redis_url_parameter
  }
}

# ---------------------------------------------------------------- network

resource "aws_security_group" "this" {
  count = var.create ? 1 : 0

  name_prefix = "${var.name}-serverless-workers-"
  description = "FediFlow serverless workers: PostgreSQL and Redis of the environment, HTTP(S) out (SQS, SSM, remote servers)."
  vpc_id      = var.vpc_id
  tags        = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_egress_rule" "https" {
  count = var.create ? 1 : 0

  security_group_id = aws_security_group.this[0].id
  description       = "HTTPS: SQS, SSM, CloudWatch and remote ActivityPub servers (the SSRF guard is in the code)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "http" {
  count = var.create ? 1 : 0

  security_group_id = aws_security_group.this[0].id
  description       = "HTTP: remote ActivityPub servers that still serve plain http actor documents"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

locals {
  # Each data store lets the functions in, and the functions reach only those.
  data_stores = {
    postgres = { port = 5432, security_group_id = var.database_security_group_id }
    redis    = { port = 6379, security_group_id = var.cache_security_group_id }
  }
}

resource "aws_vpc_security_group_egress_rule" "data_store" {
  for_each = var.create ? local.data_stores : {}

  security_group_id            = aws_security_group.this[0].id
  description                  = "${each.key} of the environment"
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = each.value.security_group_id
}

resource "aws_vpc_security_group_ingress_rule" "data_store" {
  for_each = var.create ? local.data_stores : {}

  security_group_id            = each.value.security_group_id
  description                  = "FediFlow serverless workers"
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = aws_security_group.this[0].id
}

# ---------------------------------------------------------------- functions

data "aws_iam_policy_document" "consume_activity_queue" {
  statement {
    sid       = "ConsumeActivityQueue"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
    resources = [var.queue_arn]
  }
}

module "function" {
  source   = "../lambda-function"
  for_each = var.create ? local.functions : {}

  function_name                  = "${var.name}-${each.key}"
  description                    = each.value.description
  zip                            = each.value.zip
  runtime                        = var.runtime
  timeout                        = each.value.timeout
  memory_size                    = each.value.memory_size
  reserved_concurrency           = each.value.reserved
  environment                    = merge(local.common_environment, each.value.environment)
  parameters                     = each.value.parameters
  parameters_kms_key_arn         = var.parameters_kms_key_arn
  parameters_extension_layer_arn = var.parameters_extension_layer_arn
  policy_json                    = each.key == "activity-processor" ? data.aws_iam_policy_document.consume_activity_queue.json : null
  subnet_ids                     = var.subnet_ids
  security_group_ids             = [aws_security_group.this[0].id]
  errors_alarm = {
    evaluation_periods = 3
    description        = "Invocations of ${each.key} failed as a whole (not single records) for 15 minutes."
  }
  throttles_alarm_description = "${each.key} is throttled: raise its reserved concurrency or look for a backlog."
  alarm_actions               = var.alarm_actions
  log_retention_days          = var.log_retention_days
  tags                        = var.tags
}

resource "aws_lambda_event_source_mapping" "activity_queue" {
  count = var.create ? 1 : 0

  event_source_arn                   = var.queue_arn
  function_name                      = module.function["activity-processor"].arn
  enabled                            = var.activity_processing_enabled
  batch_size                         = 10
  maximum_batching_window_in_seconds = 5
  function_response_types            = ["ReportBatchItemFailures"]

  # Below the reserved concurrency: the poller never invokes into throttles (which would count
  # as receives and push healthy messages toward the dead-letter queue).
  scaling_config {
    maximum_concurrency = var.activity_reserved_concurrency
  }
}

# ---------------------------------------------------------------- schedule

data "aws_iam_policy_document" "assume_scheduler" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  count = var.create ? 1 : 0

  name_prefix        = "${var.name}-email-schedule-"
  assume_role_policy = data.aws_iam_policy_document.assume_scheduler.json
  tags               = var.tags
}

data "aws_iam_policy_document" "invoke_email_sender" {
  count = var.create ? 1 : 0

  statement {
    sid       = "InvokeEmailSender"
    actions   = ["lambda:InvokeFunction"]
    resources = [module.function["email-sender"].arn]
  }
}

resource "aws_iam_role_policy" "scheduler" {
  count = var.create ? 1 : 0

  name   = "invoke-email-sender"
  role   = aws_iam_role.scheduler[0].id
  policy = data.aws_iam_policy_document.invoke_email_sender[0].json
}

resource "aws_scheduler_schedule" "email_sender" {
  count = var.create ? 1 : 0

  name                = "${var.name}-email-sender"
  description         = "The email digest run every 5 minutes."
  schedule_expression = "rate(5 minutes)"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = module.function["email-sender"].arn
    role_arn = aws_iam_role.scheduler[0].arn
    # The handler claims the interval of `time`: a retry within it sends nothing twice.
    input = jsonencode({
      source        = "aws.scheduler"
      "detail-type" = "Scheduled Event"
      id            = "<aws.scheduler.execution-id>"
      time          = "<aws.scheduler.scheduled-time>"
    })

    retry_policy {
      maximum_event_age_in_seconds = 240
      maximum_retry_attempts       = 2
    }
  }
}

# ---------------------------------------------------------------- alarms

resource "aws_cloudwatch_metric_alarm" "dlq_depth" {
  count = var.create ? 1 : 0

  alarm_name          = "${var.name}-activity-dlq-not-empty"
  alarm_description   = "Inbound activities failed maxReceiveCount times: list and redrive them with `npm run lambda:dlq`."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = var.dlq_name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}
