# The IAM role hipaacheck assumes in a member account (scan --accounts all --org-role HipaacheckAudit),
# for accounts managed with Terraform: apply this module once per member account, with a provider that
# can create IAM roles there. The same role as member-role.cfn.yaml (the StackSet way).
# The policy file is `hipaacheck aws-policy > hipaacheck-member-policy.json`: read-only, derived from the
# collectors; regenerate it after an upgrade (tests/test_examples.py fails when it differs).

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "scanner_principal_arn" {
  description = "ARN of the role hipaacheck runs as in the management (or delegated administrator) account"
  type        = string
}

variable "external_id" {
  description = "External id the scanner passes with --external-id"
  type        = string
  sensitive   = true
}

variable "role_name" {
  description = "The name scan --org-role assumes"
  type        = string
  default     = "HipaacheckAudit"
}

resource "aws_iam_role" "hipaacheck_audit" {
  name                 = var.role_name
  description          = "Read-only HIPAA Security Rule checks by hipaacheck"
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = var.scanner_principal_arn }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = var.external_id } }
    }]
  })
}

resource "aws_iam_role_policy" "hipaacheck_read_only" {
  name   = "hipaacheck-read-only"
  role   = aws_iam_role.hipaacheck_audit.id
  policy = file("${path.module}/hipaacheck-member-policy.json")
}

output "role_arn" {
  value = aws_iam_role.hipaacheck_audit.arn
}
