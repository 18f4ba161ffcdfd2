"""Clients (tenants), their users and OAuth applications: administration only (CLI)."""
