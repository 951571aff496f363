location           = "westeurope"
address_space      = "10.40.0.0/16"
kubernetes_version = "1.35"
domain             = "fediflow.example"
