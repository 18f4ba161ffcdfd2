"""``.../ivr/check`` and ``.../ivr/graph``: a stored menu's findings and pictures."""
