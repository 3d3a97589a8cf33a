"""Cross-cutting pieces: the home redirect, health check, neutral exit page and one-time form tokens."""
