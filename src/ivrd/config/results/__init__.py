"""What calls leave behind, served read-only: call history, ratings, recordings, voicemail."""
