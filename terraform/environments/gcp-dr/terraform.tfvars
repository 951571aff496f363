project_id              = "fediflow-dr"
region                  = "europe-west3"
address_space           = "10.50.0.0/16"
kubernetes_version      = "1.35"
master_authorized_cidrs = ["10.0.0.0/8"]
