"""Ed25519 signatures over canonical JSON statements (checkpoints, proof manifests).

Standard library plus ``cryptography`` only, so the offline verifier (:mod:`events.verify`)
uses it without Django. A statement is a JSON object with a ``format`` field (which keeps a
checkpoint from ever being read as a manifest and back); the signed bytes are its canonical
JSON (sorted keys, no spaces, ASCII). Public keys travel as base64 of their 32 raw bytes; a
key id is the first 16 hex digits of SHA-256 over those bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

CHECKPOINT_FORMAT = "events-checkpoint/1"
MANIFEST_FORMAT = "events-proof-manifest/1"


class BadKeyError(ValueError):
    """A key that cannot be read (the message never contains the key)."""


def canonical(statement: dict[str, Any]) -> bytes:
    return json.dumps(
        statement, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def digest(statement: dict[str, Any]) -> str:
    """SHA-256 of a statement's canonical JSON: how a manifest names its checkpoint."""
    return hashlib.sha256(canonical(statement)).hexdigest()


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_text(key: Ed25519PublicKey) -> str:
    return base64.b64encode(public_bytes(key)).decode("ascii")


def key_id(public_key_text: str) -> str:
    return hashlib.sha256(base64.b64decode(public_key_text)).hexdigest()[:16]


def load_private_key(text: str) -> Ed25519PrivateKey:
    """A PEM (PKCS#8) Ed25519 private key, or base64 or hex of its 32-byte seed."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise BadKeyError("the signing key is not an Ed25519 key")
            return key
        raw = _raw(text)
        return Ed25519PrivateKey.from_private_bytes(raw)
    except (ValueError, TypeError) as exc:
        if isinstance(exc, BadKeyError):
            raise
        raise BadKeyError(
            "the signing key is neither a PEM Ed25519 key nor 32 bytes in base64 or hex"
        ) from None


def load_public_key(text: str) -> Ed25519PublicKey:
    """A public key as base64 or hex of its 32 raw bytes, or PEM."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode("ascii"))
            if not isinstance(key, Ed25519PublicKey):
                raise BadKeyError("the public key is not an Ed25519 key")
            return key
        return Ed25519PublicKey.from_public_bytes(_raw(text))
    except (ValueError, TypeError) as exc:
        if isinstance(exc, BadKeyError):
            raise
        raise BadKeyError(f"not an Ed25519 public key: {text[:80]!r}") from None


def public_key_argument(value: str) -> Ed25519PublicKey:
    """A public key given on a command line: the key itself, or the path of a file with it."""
    text = value.strip()
    # A file wins: a path may happen to be 44 or 64 characters long, like a key.
    if not text.startswith("-----BEGIN") and Path(text).is_file():
        text = Path(text).read_text()
    return load_public_key(text)


def _raw(text: str) -> bytes:
    if len(text) == 64:
        raw = bytes.fromhex(text)
    else:
        try:
            raw = base64.b64decode(text, validate=True)
        except binascii.Error:
            raise ValueError("not base64") from None
    if len(raw) != 32:
        raise ValueError("not 32 bytes")
    return raw


def sign(key: Ed25519PrivateKey, statement: dict[str, Any]) -> dict[str, Any]:
    """``{"statement", "signature", "public_key"}``: a signed statement as it is stored,
    written to files and put into proof bundles."""
    return {
        "statement": statement,
        "signature": base64.b64encode(key.sign(canonical(statement))).decode("ascii"),
        "public_key": public_text(key.public_key()),
    }


def check(signed: Any, *, expected_format: str) -> str | None:
    """Why a signed statement is not valid (a message), or None: its shape, its format, a
    key id that names its public key, and the signature. Whether the key is *trusted* is
    the caller's question."""
    if not isinstance(signed, dict) or not isinstance(signed.get("statement"), dict):
        return "not a signed statement"
    statement = signed["statement"]
    if statement.get("format") != expected_format:
        return f"not a {expected_format} statement"
    try:
        public = load_public_key(str(signed.get("public_key", "")))
        signature = base64.b64decode(str(signed.get("signature", "")), validate=True)
        public.verify(signature, canonical(statement))
    except (BadKeyError, binascii.Error, ValueError, TypeError):
        return "the signature or public key is malformed"
    except InvalidSignature:
        return "the signature does not match the statement"
    if statement.get("key_id") != key_id(public_text(public)):
        return "the key id does not name the public key"
    return None
