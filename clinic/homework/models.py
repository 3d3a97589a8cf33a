"""Models of the homework domain."""
