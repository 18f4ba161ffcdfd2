"""Contexts of a voice menu: named sets of options with their digit-collection settings."""
