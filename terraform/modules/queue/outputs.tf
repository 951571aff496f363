output "queue_arn" {
  description = "ARN of the activity-processor queue."
  value       = try(aws_sqs_queue.this[0].arn, null)
}

output "queue_url" {
  description = "URL of the activity-processor queue."
  value       = try(aws_sqs_queue.this[0].url, null)
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = try(aws_sqs_queue.dlq[0].arn, null)
}

output "dlq_url" {
  description = "URL of the dead-letter queue."
  value       = try(aws_sqs_queue.dlq[0].url, null)
}

output "dlq_name" {
  description = "Name of the dead-letter queue (the CloudWatch dimension of its depth alarm)."
  value       = try(aws_sqs_queue.dlq[0].name, null)
}
