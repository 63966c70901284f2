"""Nonces for messages the bot sends on its own.

Sent with ``enforce_nonce``, a nonce makes Discord return the message it already created for
the same nonce in the last few minutes instead of creating another. Derived from what the
message is (a delivery's key, a public post's claim), a retry after a crash that fell between
Discord's write and ours reuses it, so the member sees one message.
"""

from __future__ import annotations

import hashlib

NONCE_MAX = 25  # Discord's limit on a nonce's length


def nonce_for(*parts: object) -> str:
    """A stable nonce (at most 25 characters) for the message identified by ``parts``."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    # A decimal string: Discord accepts numeric nonces and they survive any JSON round trip.
    return str(int.from_bytes(digest, "big"))
