data "aws_partition" "current" {}

data "aws_region" "replica" {}

data "aws_region" "source" {
  provider = aws.source
}

locals {
  # The names terraform/modules/media-storage gives the source environment's bucket and key.
  source_bucket_name = "${var.source_name}-media-${data.aws_region.source.region}"
  source_bucket_arn  = "arn:${data.aws_partition.current.partition}:s3:::${local.source_bucket_name}"
  rule_id            = "media-to-${data.aws_region.replica.region}"
}

# The source key's ARN, for the role's kms:Decrypt (IAM matches KMS resources by key ARN only).
data "aws_kms_alias" "source" {
  count    = var.create ? 1 : 0
  provider = aws.source

  name = "alias/${var.source_name}-media"
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  count = var.create ? 1 : 0

  name               = "${var.name}-media-replication"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

# What AWS documents for SSE-KMS replication, nothing more: read the configuration and the
# versions of the source, write replicas, decrypt with the source key and encrypt with the
# replica key only through S3 of each region, for these two buckets. With S3 Bucket Keys on,
# the encryption context is the bucket ARN rather than the object ARN, hence both.
data "aws_iam_policy_document" "replication" {
  count = var.create ? 1 : 0

  statement {
    sid       = "ReadSourceConfiguration"
    actions   = ["s3:GetReplicationConfiguration", "s3:ListBucket"]
    resources = [local.source_bucket_arn]
  }
  statement {
    sid = "ReadSourceVersions"
    actions = [
      "s3:GetObjectVersionForReplication",
      "s3:GetObjectVersionAcl",
      "s3:GetObjectVersionTagging",
    ]
    resources = ["${local.source_bucket_arn}/*"]
  }
  statement {
    sid       = "WriteReplicas"
    actions   = ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"]
    resources = ["${var.replica_bucket_arn}/*"]
  }
  statement {
    sid       = "DecryptSource"
    actions   = ["kms:Decrypt"]
    resources = [data.aws_kms_alias.source[0].target_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${data.aws_region.source.region}.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:s3:arn"
      values   = [local.source_bucket_arn, "${local.source_bucket_arn}/*"]
    }
  }
  statement {
    sid       = "EncryptReplicas"
    actions   = ["kms:Encrypt"]
    resources = [var.replica_kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${data.aws_region.replica.region}.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:s3:arn"
      values   = [var.replica_bucket_arn, "${var.replica_bucket_arn}/*"]
    }
  }
}

resource "aws_iam_role_policy" "this" {
  count = var.create ? 1 : 0

  name   = "replicate-media"
  role   = aws_iam_role.this[0].id
  policy = data.aws_iam_policy_document.replication[0].json
}

# The configuration lives on the source bucket, in the source region. Both buckets are versioned
# by media-storage (CRR requires it); the caller makes this depend on the replica's module.
# New objects only: objects older than this configuration need S3 Batch Replication (README).
resource "aws_s3_bucket_replication_configuration" "this" {
  count    = var.create ? 1 : 0
  provider = aws.source

  bucket = local.source_bucket_name
  role   = aws_iam_role.this[0].arn

  rule {
    id     = local.rule_id
    status = "Enabled"

    # V2 configuration (a filter): required for delete_marker_replication.
    filter {}

    delete_marker_replication {
      status = var.replicate_deletes ? "Enabled" : "Disabled"
    }

    # Without this, S3 silently skips every SSE-KMS object, i.e. all of them.
    source_selection_criteria {
      sse_kms_encrypted_objects {
        status = "Enabled"
      }
    }

    destination {
      bucket = var.replica_bucket_arn

      encryption_configuration {
        replica_kms_key_id = var.replica_kms_key_arn
      }

      dynamic "replication_time" {
        for_each = var.replication_time_control ? [1] : []
        content {
          status = "Enabled"
          time {
            minutes = 15
          }
        }
      }

      # Replication metrics (ReplicationLatency, BytesPendingReplication, OperationsFailedReplication);
      # Replication Time Control requires them.
      metrics {
        status = "Enabled"
        event_threshold {
          minutes = 15
        }
      }
    }
  }

  depends_on = [aws_iam_role_policy.this]
}

# S3 publishes replication metrics in the source bucket's region, per rule.
locals {
  replication_metric_dimensions = {
    SourceBucket      = local.source_bucket_name
    DestinationBucket = element(split(":::", var.replica_bucket_arn), 1)
    RuleId            = local.rule_id
  }
}

resource "aws_cloudwatch_metric_alarm" "failed" {
  count    = var.create ? 1 : 0
  provider = aws.source

  alarm_name          = "${var.name}-media-replication-failed"
  alarm_description   = "Media objects failed to replicate into the DR region (the role, a key policy, the replica bucket): docs/infrastructure.md, Disaster recovery."
  namespace           = "AWS/S3"
  metric_name         = "OperationsFailedReplication"
  dimensions          = local.replication_metric_dimensions
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

# The media RPO: Replication Time Control promises 15 minutes; 15 minutes of lag for 15 minutes
# means the DR copy is falling behind.
resource "aws_cloudwatch_metric_alarm" "latency" {
  count    = var.create ? 1 : 0
  provider = aws.source

  alarm_name          = "${var.name}-media-replication-latency"
  alarm_description   = "Media replication into the DR region lags more than 15 minutes (the media RPO): docs/infrastructure.md, Disaster recovery."
  namespace           = "AWS/S3"
  metric_name         = "ReplicationLatency"
  dimensions          = local.replication_metric_dimensions
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 3
  threshold           = 900
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}
