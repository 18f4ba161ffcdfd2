"""Public numbers (DIDs) routed to extensions."""
