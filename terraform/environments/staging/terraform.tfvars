region             = "eu-central-1"
vpc_cidr           = "10.10.0.0/16"
kubernetes_version = "1.35"
node_desired_size  = 2
db_instance_class  = "db.t4g.medium"
redis_node_type    = "cache.t4g.small"
admin_role_names   = ["fediflow-platform-admin"]
