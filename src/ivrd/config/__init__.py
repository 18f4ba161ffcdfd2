"""The provider's configuration API, one folder per resource (router, schemas, service)."""
