"""Rules of a context option: typed actions with conditions, ordered, ids unique per IVR."""
