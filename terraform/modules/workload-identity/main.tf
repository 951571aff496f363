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
    # MEDIA_STORAGE=s3: the api writes, reads and deletes media (the workers' housekeeping too).
    api = {
      namespace       = var.app_namespace
      service_account = "api"
      policy          = data.aws_iam_policy_document.media.json
    }
    workers = {
      namespace       = var.app_namespace
      service_account = "workers"
      policy          = data.aws_iam_policy_document.media.json
    }
    aws-load-balancer-controller = {
      namespace       = "kube-system"
      service_account = "aws-load-balancer-controller"
      policy          = data.aws_iam_policy_document.load_balancer_controller.json
    }
    cluster-autoscaler = {
      namespace       = "kube-system"
      service_account = "cluster-autoscaler"
      policy          = data.aws_iam_policy_document.cluster_autoscaler.json
    }
    cert-manager = {
      namespace       = "cert-manager"
      service_account = "cert-manager"
      policy          = data.aws_iam_policy_document.cert_manager.json
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

# SendMessageBatch is authorised by sqs:SendMessage. The Kubernetes workers need no other AWS
# access than the media bucket: they consume Redis and send mail over SMTP; the serverless
# workers have their own roles.
data "aws_iam_policy_document" "federation" {
  statement {
    sid       = "EnqueueInboundActivities"
    actions   = ["sqs:SendMessage"]
    resources = var.queue_arns
  }
}

# Objects of the media bucket only (no listing, no bucket settings), encrypted with its key.
data "aws_iam_policy_document" "media" {
  statement {
    sid       = "MediaObjects"
    actions   = ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"]
    resources = ["${var.media_bucket_arn}/*"]
  }
  statement {
    sid       = "MediaKey"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [var.media_kms_key_arn]
  }
}

data "aws_route53_zone" "public" {
  count = var.create ? 1 : 0

  name = var.dns_zone_name
}

# After the AWS Load Balancer Controller's published policy: read anything, create load balancers,
# target groups and security groups, and change or delete only those tagged as its own.
data "aws_iam_policy_document" "load_balancer_controller" {
  statement {
    sid       = "ServiceLinkedRole"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "iam:AWSServiceName"
      values   = ["elasticloadbalancing.amazonaws.com"]
    }
  }
  statement {
    sid = "Describe"
    actions = [
      "ec2:Describe*",
      "ec2:GetCoipPoolUsage",
      "ec2:GetSecurityGroupsForVpc",
      "elasticloadbalancing:Describe*",
      "acm:DescribeCertificate",
      "acm:ListCertificates",
      "shield:GetSubscriptionState",
      "wafv2:GetWebACLForResource",
    ]
    resources = ["*"]
  }
  statement {
    sid = "Create"
    actions = [
      "ec2:CreateSecurityGroup",
      "ec2:CreateTags",
      "elasticloadbalancing:CreateListener",
      "elasticloadbalancing:CreateLoadBalancer",
      "elasticloadbalancing:CreateRule",
      "elasticloadbalancing:CreateTargetGroup",
      "elasticloadbalancing:AddTags",
    ]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/elbv2.k8s.aws/cluster"
      values   = [var.cluster_name]
    }
  }
  statement {
    sid = "ManageOwn"
    actions = [
      "ec2:AuthorizeSecurityGroupIngress",
      "ec2:RevokeSecurityGroupIngress",
      "ec2:DeleteSecurityGroup",
      "elasticloadbalancing:DeleteListener",
      "elasticloadbalancing:DeleteLoadBalancer",
      "elasticloadbalancing:DeleteRule",
      "elasticloadbalancing:DeleteTargetGroup",
      "elasticloadbalancing:DeregisterTargets",
      "elasticloadbalancing:ModifyListener",
      "elasticloadbalancing:ModifyListenerAttributes",
      "elasticloadbalancing:ModifyLoadBalancerAttributes",
      "elasticloadbalancing:ModifyRule",
      "elasticloadbalancing:ModifyTargetGroup",
      "elasticloadbalancing:ModifyTargetGroupAttributes",
      "elasticloadbalancing:RegisterTargets",
      "elasticloadbalancing:RemoveTags",
      "elasticloadbalancing:SetIpAddressType",
      "elasticloadbalancing:SetSecurityGroups",
      "elasticloadbalancing:SetSubnets",
    ]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/elbv2.k8s.aws/cluster"
      values   = [var.cluster_name]
    }
  }
}

# The cluster autoscaler's documented minimum: discover every group, resize only this cluster's.
data "aws_iam_policy_document" "cluster_autoscaler" {
  statement {
    sid = "Discover"
    actions = [
      "autoscaling:DescribeAutoScalingGroups",
      "autoscaling:DescribeAutoScalingInstances",
      "autoscaling:DescribeLaunchConfigurations",
      "autoscaling:DescribeScalingActivities",
      "autoscaling:DescribeTags",
      "ec2:DescribeImages",
      "ec2:DescribeInstanceTypes",
      "ec2:DescribeLaunchTemplateVersions",
      "ec2:GetInstanceTypesFromInstanceRequirements",
      "eks:DescribeNodegroup",
    ]
    resources = ["*"]
  }
  statement {
    sid       = "ResizeOwnGroups"
    actions   = ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/k8s.io/cluster-autoscaler/${var.cluster_name}"
      values   = ["owned"]
    }
  }
}

# cert-manager's Route 53 DNS-01 solver, limited to the public zone.
data "aws_iam_policy_document" "cert_manager" {
  statement {
    sid       = "ChangeStatus"
    actions   = ["route53:GetChange"]
    resources = ["arn:${data.aws_partition.current.partition}:route53:::change/*"]
  }
  statement {
    sid       = "Records"
    actions   = ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"]
    resources = [for zone in data.aws_route53_zone.public : zone.arn]
  }
  statement {
    sid       = "FindZone"
    actions   = ["route53:ListHostedZonesByName"]
    resources = ["*"]
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
