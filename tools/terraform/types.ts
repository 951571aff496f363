/** One finding of the Terraform checker: which rule, where, and why. */
export interface Violation {
  /** Rule id, e.g. `TF-EKS-KMS`, `XREF-UNKNOWN-INPUT`, `HCL-PARSE`, `TF-FMT`. */
  ruleId: string;
  /** File path relative to the checked root. */
  file: string;
  /** 1-based line of the offending block, when it could be located. */
  line?: number;
  /** Block address, e.g. `resource.aws_eks_cluster.this`, `module.database`, `terraform`. */
  block: string;
  message: string;
}

/** JSON form of an HCL body as produced by `@cdktf/hcl2json`. */
export type HclBody = Record<string, unknown>;
