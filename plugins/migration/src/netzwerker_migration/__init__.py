"""Arbeitsfeld Migration / interkulturelle Öffnung for netzwerker."""
