region             = "eu-central-1"
dr_region          = "eu-west-1"
vpc_cidr           = "10.20.0.0/16"
kubernetes_version = "1.35"
node_desired_size  = 3
db_instance_class  = "db.m7g.large"
redis_node_type    = "cache.m7g.large"
public_host        = "social"
admin_role_names   = ["fediflow-platform-admin"]

# Set after bootstrap step 5, once the AWS Load Balancer Controller has created both load balancers.
create_dns_failover = false
