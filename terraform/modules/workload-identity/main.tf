data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  arn_suffix       = "${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}"
  secrets_arn      = "arn:${data.aws_partition.current.partition}:secretsmanager:${local.arn_suffix}:secret:${var.secret_name_prefix}/*"
  log_group_prefix = "/${var.name}"

  # One Pod Identity role per workload; the policy is the only thing that differs.
  workloads = {
    external-secrets = {
      namespace       = var.external_secrets_namespace
      service_account = "external-secrets"
      policy          = data.aws_iam_policy_document.external_secrets.json
    }
    fluent-bit = {
      namespace       = var.fluent_bit_namespace
      service_account = "fluent-bit"
      policy          = data.aws_iam_policy_document.fluent_bit.json
    }
    # INBOUND_QUEUE=sqs: the federation service queues inbound activities for the Lambda.
    federation = {
      namespace       = var.app_namespace
      service_account = "federation"
      policy          = data.aws_iam_policy_document.federation.json
    }
  }
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "Service"
      identifiers = ["pods.eks.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "external_secrets" {
  statement {
    sid       = "ReadFediflowSecrets"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = [local.secrets_arn]
  }
}

data "aws_iam_policy_document" "fluent_bit" {
  statement {
    sid = "ShipLogs"
    actions = [
      "logs:CreateLogStream",
      "logs:DescribeLogStreams",
      "logs:PutLogEvents",
      "logs:PutRetentionPolicy",
    ]
    resources = ["arn:${data.aws_partition.current.partition}:logs:${local.arn_suffix}:log-group:${local.log_group_prefix}/*"]
  }
}

# SendMessageBatch is authorised by sqs:SendMessage. The Kubernetes workers need no AWS access:
# they consume Redis and send mail over SMTP; the serverless workers have their own roles.
data "aws_iam_policy_document" "federation" {
  statement {
    sid       = "EnqueueInboundActivities"
    actions   = ["sqs:SendMessage"]
    resources = var.queue_arns
  }
}

resource "aws_cloudwatch_log_group" "application" {
  count = var.create ? 1 : 0

  name              = "${local.log_group_prefix}/application"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_iam_role" "this" {
  for_each = var.create ? local.workloads : {}

  name_prefix        = "${var.name}-${each.key}-"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "this" {
  for_each = var.create ? local.workloads : {}

  name   = each.key
  role   = aws_iam_role.this[each.key].id
  policy = each.value.policy
}

resource "aws_eks_pod_identity_association" "this" {
  for_each = var.create ? local.workloads : {}

  cluster_name    = var.cluster_name
  namespace       = each.value.namespace
  service_account = each.value.service_account
  role_arn        = aws_iam_role.this[each.key].arn
  tags            = var.tags
}
