"""Call events: webhooks an extension calls when calls arrive, end, leave voicemail..."""
