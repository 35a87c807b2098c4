"""netzwerker-health: the working field Gesundheit (health).

Unemployment and health, prevention, addiction (legal and illegal drugs, gambling), mental
illness, disability in SGB II, resilience, violence prevention: the MYKnetz health network
with health office, clinics, addiction counselling, health insurers and self-help groups.
"""

PLUGIN_NAME = "health"
