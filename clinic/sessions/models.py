"""Models of the sessions domain."""
