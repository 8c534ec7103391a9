"""Ed25519 keys for signing a bundle manifest; the fingerprint is SHA-256 of the raw public key."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ..errors import InputError

ALGORITHM = "Ed25519"


def load_private_key(path: Path) -> Any:
    """An Ed25519 private key from an unencrypted PEM file, or InputError."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    data = _read(path, "--sign-key")
    try:
        key = load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise InputError(f"--sign-key {path}", f"not an unencrypted PEM private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError(f"--sign-key {path}", f"expected an Ed25519 key, got {type(key).__name__}")
    return key


def load_public_key(path: Path) -> Any:
    """An Ed25519 public key from a PEM file (a private key PEM is accepted too), or InputError."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    data = _read(path, "--public-key")
    if b"PRIVATE KEY" in data:
        return load_private_key(path).public_key()
    try:
        key = load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise InputError(f"--public-key {path}", f"not a PEM public key ({exc})") from None
    if not isinstance(key, (Ed25519PublicKey, Ed25519PrivateKey)):
        raise InputError(f"--public-key {path}", f"expected an Ed25519 key, got {type(key).__name__}")
    return key


def fingerprint(public_key: Any) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return hashlib.sha256(public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)).hexdigest()


def raw_public_key(public_key: Any) -> str:
    """The public key as base64 of its 32 raw bytes: what a manifest carries so anyone can check it."""
    import base64

    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return base64.b64encode(public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode("ascii")


def public_key_from_raw(text: Any) -> Any | None:
    """The Ed25519 public key :func:`raw_public_key` wrote, or None when ``text`` is not one."""
    import base64
    import binascii

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if not isinstance(text, str):
        return None
    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError):
        return None


def verify_signature(public_key: Any, signature: bytes, data: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


def _read(path: Path, flag: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{flag} {path}", exc.strerror or str(exc)) from None
