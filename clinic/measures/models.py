"""Models of the measures domain."""
