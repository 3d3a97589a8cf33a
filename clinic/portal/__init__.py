"""The client's portal: Today, and the home every client page hangs from."""
