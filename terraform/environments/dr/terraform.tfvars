region             = "eu-west-1"
primary_region     = "eu-central-1"
vpc_cidr           = "10.30.0.0/16"
kubernetes_version = "1.35"
node_desired_size  = 1
db_instance_class  = "db.t4g.large"
redis_node_type    = "cache.t4g.medium"
admin_role_names   = ["fediflow-platform-admin"]
