"""A whole voice menu as one JSON document: export, validated all-or-nothing import."""
