"""Sans-IO RTP: packet header, G.711 codecs, RFC 4733 telephone-event detection."""
