"""Keyed voter hashes and sealed ballots of anonymous polls.

A ballot of an anonymous poll is stored under a keyed hash of the voter (so a second click can
be recognised) and its choice is sealed (so it can be changed, and counted, without the table
saying who chose what). The secret (``KOMBITBOT_POLL_SECRET``) is never stored.

Sealing is AES-256-GCM-SIV from ``cryptography``: an authenticated cipher that stays safe if a
nonce ever repeats. Its key is derived with HKDF-SHA256 from the poll secret; the poll, the
question and the voter's hash are the associated data, so a sealed choice only opens for the
ballot it was written for. The plain text is padded to a multiple of 32 bytes, so the stored
length does not tell how many options were chosen.

Ballots sealed before (``nonce:cipher:tag``, a stream built from HMAC-SHA256 with a 64-bit tag)
are still read; every vote that changes one seals it anew, so the old form dies out with the
polls that hold it.
"""

from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SEAL_BLOCK = 32
_PREFIX = "v2:"
_NONCE_BYTES = 12


class PollSecrets:
    """Voter hashes (HMAC-SHA256) and ballot sealing (AES-GCM-SIV) under one poll secret."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the poll secret must be at least 16 bytes")
        self._secret = secret

    @functools.cached_property
    def _cipher(self) -> AESGCMSIV:
        """Made on first use: OpenSSL's cipher tables cost about 1 MB of resident memory, which
        an instance that never sees an anonymous vote need not carry."""
        key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"kombitbot ballot seal v2"
        ).derive(self._secret)
        return AESGCMSIV(key)

    def voter_key(self, poll_id: str, aad_object_id: str) -> str:
        return _mac(self._secret, f"voter\0{poll_id}\0{aad_object_id}".encode()).hex()

    @staticmethod
    def _context(poll_id: str, question_id: int, aad: str) -> bytes:
        return f"{poll_id}\0{question_id}\0{aad}".encode()

    def seal(self, poll_id: str, question_id: int, aad: str, option_ids: Sequence[int]) -> str:
        """``v2:`` and the hex of nonce + cipher text; a fresh nonce each time."""
        text = ",".join(str(i) for i in option_ids).encode()
        blocks = max(1, -(-len(text) // SEAL_BLOCK))
        plain = text.ljust(blocks * SEAL_BLOCK, b"\0")
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._cipher.encrypt(nonce, plain, self._context(poll_id, question_id, aad))
        return _PREFIX + (nonce + sealed).hex()

    def unseal(
        self, poll_id: str, question_id: int, aad: str, sealed: str
    ) -> tuple[int, ...] | None:
        """The sealed option ids; None if this secret and voter did not seal it."""
        if not sealed.startswith(_PREFIX):
            return self._unseal_legacy(poll_id, question_id, aad, sealed)
        try:
            raw = bytes.fromhex(sealed[len(_PREFIX) :])
            plain = self._cipher.decrypt(
                raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], self._context(poll_id, question_id, aad)
            )
        except (ValueError, InvalidTag):
            return None
        return _ids(plain)

    def _legacy_stream(
        self, poll_id: str, question_id: int, aad: str, nonce: bytes, size: int
    ) -> bytes:
        key = _mac(self._secret, f"seal\0{poll_id}\0{question_id}\0{aad}".encode())
        blocks = -(-size // 32)
        return b"".join(_mac(key, nonce + n.to_bytes(4, "big")) for n in range(blocks))[:size]

    def seal_legacy(
        self, poll_id: str, question_id: int, aad: str, option_ids: Sequence[int]
    ) -> str:
        """A ballot as it was sealed before (kept to test that such ballots are still read)."""
        text = ",".join(str(i) for i in option_ids).encode()
        blocks = max(1, -(-len(text) // SEAL_BLOCK))
        plain = text.ljust(blocks * SEAL_BLOCK, b"\0")
        nonce = secrets.token_bytes(16)
        stream = self._legacy_stream(poll_id, question_id, aad, nonce, len(plain) + 16)
        cipher = _xor(plain, stream)
        tag = _mac(stream[-16:], nonce + cipher).hex()[:16]
        return f"{nonce.hex()}:{cipher.hex()}:{tag}"

    def _unseal_legacy(
        self, poll_id: str, question_id: int, aad: str, sealed: str
    ) -> tuple[int, ...] | None:
        try:
            nonce_hex, cipher_hex, tag = sealed.split(":")
            nonce, cipher = bytes.fromhex(nonce_hex), bytes.fromhex(cipher_hex)
        except ValueError:
            return None
        stream = self._legacy_stream(poll_id, question_id, aad, nonce, len(cipher) + 16)
        expected = _mac(stream[-16:], nonce + cipher).hex()[:16]
        if not hmac.compare_digest(expected, tag):
            return None
        return _ids(_xor(cipher, stream))


def _ids(plain: bytes) -> tuple[int, ...] | None:
    try:
        return tuple(int(i) for i in plain.rstrip(b"\0").decode().split(",") if i)
    except (UnicodeDecodeError, ValueError):
        return None


def _mac(key: bytes, message: bytes) -> bytes:
    """HMAC-SHA256 in one call (the standard library's fast path: a vote makes several)."""
    return hmac.digest(key, message, "sha256")


def _xor(data: bytes, stream: bytes) -> bytes:
    """``data`` XOR the start of ``stream``, as whole integers rather than byte by byte."""
    size = len(data)
    mixed = int.from_bytes(data, "big") ^ int.from_bytes(stream[:size], "big")
    return mixed.to_bytes(size, "big")
