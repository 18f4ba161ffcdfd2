"""``GET /user``: who the token acts as."""
