"""The HTTP application: create_app(), shared dependencies, the one error mapping."""
