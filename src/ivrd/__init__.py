"""ivrd: a self-hosted voice-menu (IVR) platform for a cloud PBX.

Two halves share one package: the provider's configuration REST API (``config``, ``db``,
``api``) and the call-processing node (``sip``, ``rtp``, ``runtime``) that runs the menus
through the sans-IO rules engine (``engine``).
"""

__version__ = "0.1.0"
