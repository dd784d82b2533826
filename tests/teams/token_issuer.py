"""A test token issuer: an RSA key, its JWKS (served by the fake connector) and tokens with
the claims the Agents SDK validates for the Bot Framework issuer (signature by a key from
the issuer's JWKS, ``aud`` = the bot's app id, ``exp``/``nbf``, ``serviceurl``)."""
from __future__ import annotations

import base64
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"


def _b64(n: int) -> str:
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class TokenIssuer:
    # A fresh key id per issuer: the SDK caches JWKS clients per URL for the process, and a
    # later test's fake may get a port (so a JWKS URL) an earlier one had.
    kid: str = field(default_factory=lambda: "loket-test-" + uuid.uuid4().hex[:12])
    key: Any = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def jwks(self) -> dict[str, Any]:
        pub = self.key.public_key().public_numbers()
        return {"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid, "n": _b64(pub.n),
                          "e": _b64(pub.e), "endorsements": ["msteams"]}]}

    def token(self, *, audience: str, service_url: str, issuer: str = BOT_FRAMEWORK_ISSUER, lifetime: int = 3600,
              key: Any = None, kid: str | None = None) -> str:
        now = int(time.time())
        claims = {"iss": issuer, "aud": audience, "nbf": now - 10, "iat": now - 10, "exp": now + lifetime,
                  "serviceurl": service_url}
        headers = {"kid": kid if kid is not None else self.kid}
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers=headers)
