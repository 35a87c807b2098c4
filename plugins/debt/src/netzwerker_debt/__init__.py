"""Arbeitsfeld Schulden for netzwerker: the tiered debt-counselling system."""
