variable "create" {
  description = "Whether to create the media bucket, its KMS key and its CloudFront distribution."
  type        = bool
  default     = true
}

variable "name" {
  description = "Name prefix of the bucket and the distribution, e.g. fediflow-production."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.name))
    error_message = "name must be 3-31 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "noncurrent_version_retention_days" {
  description = "Days an overwritten or deleted media object is kept (versioning) before it expires."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_retention_days >= 1 && var.noncurrent_version_retention_days <= 365
    error_message = "noncurrent_version_retention_days must be between 1 and 365."
  }
}

variable "abort_incomplete_upload_days" {
  description = "Days after which parts of an unfinished multipart upload are deleted."
  type        = number
  default     = 2

  validation {
    condition     = var.abort_incomplete_upload_days >= 1 && var.abort_incomplete_upload_days <= 30
    error_message = "abort_incomplete_upload_days must be between 1 and 30."
  }
}

variable "price_class" {
  description = "CloudFront price class of the media distribution."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
