"""Extensions (internal numbers) and their type-specific phone settings."""
