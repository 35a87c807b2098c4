"""Single parents (the ANNA model) for netzwerker: households in intensive coaching."""
