# The restoreValidation function's resources moved into modules/lambda-function: state follows, nothing is replaced.

moved {
  from = aws_iam_role.validation[0]
  to   = module.validation[0].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.validation[0]
  to   = module.validation[0].aws_iam_role_policy.this
}

moved {
  from = aws_cloudwatch_log_group.validation[0]
  to   = module.validation[0].aws_cloudwatch_log_group.this
}

moved {
  from = aws_lambda_function.validation[0]
  to   = module.validation[0].aws_lambda_function.this
}

moved {
  from = aws_cloudwatch_metric_alarm.validation_errors[0]
  to   = module.validation[0].aws_cloudwatch_metric_alarm.errors
}

moved {
  from = aws_cloudwatch_metric_alarm.validation_throttles[0]
  to   = module.validation[0].aws_cloudwatch_metric_alarm.throttles
}
