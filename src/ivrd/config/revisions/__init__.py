"""Revisions of a voice menu: the whole menu after every accepted change, diffs, restore."""
