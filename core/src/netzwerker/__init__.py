"""netzwerker: network coordination for German jobcenters (SGB II basic-income providers)."""

from importlib.metadata import version as _version

from netzwerker.hookspecs import hookimpl

__version__ = _version("netzwerker")

__all__ = ["__version__", "hookimpl"]
