"""Append-only audit trail: who did what to which record, when and from where. Never clinical text."""
