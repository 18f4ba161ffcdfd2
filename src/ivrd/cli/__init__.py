"""The ``ivrd`` command: serving, administration, simulation and checks."""
