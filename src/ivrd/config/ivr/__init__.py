"""An IVR extension's voice-menu settings, and the path scope its sub-resources share."""
