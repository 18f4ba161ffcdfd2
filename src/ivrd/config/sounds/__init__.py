"""Sound files: uploads decoded once into telephony-ready audio kept under the sound dir."""
