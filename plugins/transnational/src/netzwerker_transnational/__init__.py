"""Arbeitsfeld transnationaler Austausch von Jugendlichen und Fachkräften for netzwerker."""
