"""Measures (CSI-4, ECR-RS, RAS) and the private safety screen."""
