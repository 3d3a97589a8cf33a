"""Accounts, sign-in, sessions that end on the server, and invitations."""
