"""Homework: the exercise library, assignments to one or both partners, entries and adherence."""
