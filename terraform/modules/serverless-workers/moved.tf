# Each function's resources moved into modules/lambda-function: state follows, nothing is replaced.

moved {
  from = aws_iam_role.function["activity-processor"]
  to   = module.function["activity-processor"].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.function["activity-processor"]
  to   = module.function["activity-processor"].aws_iam_role_policy.this
}

moved {
  from = aws_cloudwatch_log_group.function["activity-processor"]
  to   = module.function["activity-processor"].aws_cloudwatch_log_group.this
}

moved {
  from = aws_lambda_function.this["activity-processor"]
  to   = module.function["activity-processor"].aws_lambda_function.this
}

moved {
  from = aws_cloudwatch_metric_alarm.errors["activity-processor"]
  to   = module.function["activity-processor"].aws_cloudwatch_metric_alarm.errors
}

moved {
  from = aws_cloudwatch_metric_alarm.throttles["activity-processor"]
  to   = module.function["activity-processor"].aws_cloudwatch_metric_alarm.throttles
}

moved {
  from = aws_iam_role.function["email-sender"]
  to   = module.function["email-sender"].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.function["email-sender"]
  to   = module.function["email-sender"].aws_iam_role_policy.this
}

moved {
  from = aws_cloudwatch_log_group.function["email-sender"]
  to   = module.function["email-sender"].aws_cloudwatch_log_group.this
}

moved {
  from = aws_lambda_function.this["email-sender"]
  to   = module.function["email-sender"].aws_lambda_function.this
}

moved {
  from = aws_cloudwatch_metric_alarm.errors["email-sender"]
  to   = module.function["email-sender"].aws_cloudwatch_metric_alarm.errors
}

moved {
  from = aws_cloudwatch_metric_alarm.throttles["email-sender"]
  to   = module.function["email-sender"].aws_cloudwatch_metric_alarm.throttles
}
