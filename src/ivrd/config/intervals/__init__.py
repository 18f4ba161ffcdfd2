"""Time intervals: named sets of conditions a rule's ``interval`` refers to."""
