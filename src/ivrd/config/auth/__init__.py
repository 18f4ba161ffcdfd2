"""OAuth2 applications, tokens and the request principal."""
