# Media for FediFlow pods on clusters outside AWS (the Azure secondary, the Google Cloud DR): AWS
# IAM trusts each cluster's service account token issuer (OIDC federation), so the api and
# workers there assume one role with their projected token (AssumeRoleWithWebIdentity: the AWS
# SDK's default credential chain reads AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE;
# deploy/components/aws-web-identity). No access key exists anywhere.

locals {
  create = length(var.clusters) > 0
  # The issuer as registered, without its scheme, prefixes its condition keys (…:aud, …:sub); a
  # trailing slash (AKS) stays part of it.
  issuer_hosts = { for name, cluster in var.clusters : name => trimprefix(cluster.issuer_url, "https://") }
}

resource "aws_iam_openid_connect_provider" "cluster" {
  for_each = var.clusters

  url = each.value.issuer_url
  # The audience the pods' projected tokens are minted for.
  client_id_list = ["sts.amazonaws.com"]
  tags           = merge(var.tags, { Cluster = each.key })
}

data "aws_iam_policy_document" "trust" {
  dynamic "statement" {
    for_each = var.clusters
    content {
      sid     = "ServiceAccountsOf${replace(title(replace(statement.key, "-", " ")), " ", "")}"
      actions = ["sts:AssumeRoleWithWebIdentity"]
      principals {
        type        = "Federated"
        identifiers = [aws_iam_openid_connect_provider.cluster[statement.key].arn]
      }
      condition {
        test     = "StringEquals"
        variable = "${local.issuer_hosts[statement.key]}:aud"
        values   = ["sts.amazonaws.com"]
      }
      condition {
        test     = "StringEquals"
        variable = "${local.issuer_hosts[statement.key]}:sub"
        values   = [for account in var.service_accounts : "system:serviceaccount:${statement.value.namespace}:${account}"]
      }
    }
  }
}

resource "aws_iam_role" "media" {
  count = local.create ? 1 : 0

  name                 = "${var.name}-media-external"
  description          = "FediFlow api and workers on clusters outside AWS: the media bucket's objects, through their service account tokens."
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy" "media" {
  count = local.create ? 1 : 0

  name   = "media"
  role   = aws_iam_role.media[0].id
  policy = var.media_policy_json
}
