"""This domain keeps no tables of its own."""
