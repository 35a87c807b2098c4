from netzwerker import hookimpl  # noqa: F401
