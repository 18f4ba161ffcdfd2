"""The simulator: a stored menu run by the real engine under virtual time."""
