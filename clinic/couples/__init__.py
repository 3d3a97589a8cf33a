"""Couples, their two partners, treatment goals and the invitations that give partners an account."""
