"""Sans-IO SIP: messages, SDP offer/answer, transactions and dialogs (RFC 3261, 3264, 4566)."""
