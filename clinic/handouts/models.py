"""Models of the handouts domain."""
