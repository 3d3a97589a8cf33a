"""Staff accounts and the practice settings used across the app. Admins see no clinical content."""
