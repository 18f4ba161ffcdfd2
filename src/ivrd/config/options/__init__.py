"""Options of a context: the three built-in ones and those keyed by the digits that select them."""
