"""Therapy sessions and their notes: EFT, CBCT and integrative progress notes, process notes, the course."""
