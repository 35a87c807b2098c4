"""The deployment's secret, and short signed tokens made with it.

The secret signs the web interface's CSRF tokens and the links in mails that let a
recipient choose which mails they get without signing in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import tempfile
from pathlib import Path

#: The environment variable that may hold the deployment's secret.
SECRET_VARIABLE = "NETZWERKER_SECRET_KEY"
SECRET_FILE = ".netzwerker-secret"


def secret_key(folder: Path) -> str:
    """The deployment's secret: from the environment, else a file made once in its folder.

    Server workers start together, so the file is written aside and linked into place: the
    first link wins and every worker reads the same secret.
    """
    from_environment = os.environ.get(SECRET_VARIABLE, "").strip()
    if from_environment:
        return from_environment
    path = folder / SECRET_FILE
    if not path.exists():
        with tempfile.NamedTemporaryFile("w", dir=folder, delete=False) as draft:
            draft.write(secrets.token_hex(32))
        os.chmod(draft.name, 0o600)
        try:
            os.link(draft.name, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft.name)
    return path.read_text().strip()


def _mac(secret: str, purpose: str, value: str) -> str:
    digest = hmac.new(secret.encode(), f"{purpose}\0{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def sign(secret: str, purpose: str, value: str) -> str:
    """A token that carries ``value`` and proves that this deployment made it for
    ``purpose``: ``sign(secret, "mail-choice", "a@b.de")``."""
    encoded = base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")
    return f"{encoded}.{_mac(secret, purpose, value)}"


def unsign(secret: str, purpose: str, token: str) -> str | None:
    """The value a token of :func:`sign` carries; None when it was not made so."""
    encoded, _, mac = token.partition(".")
    try:
        value = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return value if hmac.compare_digest(mac, _mac(secret, purpose, value)) else None
