"""Several LM Studio hosts behind one backend: union catalog, routing, health checks, failover."""
