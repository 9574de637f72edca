"""Tokens and CSRF. A token is 32 random bytes shown once; the ledger keeps its SHA-256 only.
Tokens are compared in constant time (hmac.compare_digest) against every active hash.
A form carries a CSRF value derived from the session's token with a server secret."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from vrapport.service.ledger import Ledger

CONTROLLER, DEPARTMENT = "controller", "department"
COOKIE = "vrapport_okt"
LOGIN_COOKIE = "vrapport_innlogging"


@dataclass(frozen=True)
class Principal:
    """Who is asking: the controller, or the department owning one template."""

    role: str
    template: str = ""
    token_hash: str = ""

    @property
    def is_controller(self) -> bool:
        return self.role == CONTROLLER

    def may_see(self, template: str) -> bool:
        return self.is_controller or self.template == template


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def issue_token(ledger: Ledger, role: str, template: str = "") -> str:
    """A new secret for the role (the previous one revoked); returned once, stored hashed."""
    token = secrets.token_urlsafe(32)
    ledger.replace_token(role, template if role == DEPARTMENT else "", token_hash(token))
    return token


def authenticate(ledger: Ledger, token: str | None) -> Principal | None:
    if not token or len(token) > 200:
        return None
    presented = token_hash(token)
    found = None
    for role, template, stored in ledger.active_tokens():
        # Every active hash is compared, so the time taken does not tell which one matched.
        if hmac.compare_digest(presented, stored):
            found = Principal(role, template, stored)
    return found


def _mac(ledger: Ledger, text: str) -> str:
    key = ledger.secret("csrf", lambda: secrets.token_hex(32))
    return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()


def csrf_value(ledger: Ledger, principal: Principal) -> str:
    return _mac(ledger, principal.token_hash)


def csrf_ok(ledger: Ledger, principal: Principal, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(csrf_value(ledger, principal), str(presented))


def login_nonce() -> str:
    """A random value for the login cookie (there is no session yet to bind the form to)."""
    return secrets.token_hex(16)


def login_csrf_value(ledger: Ledger, nonce: str) -> str:
    return _mac(ledger, "logg-inn:" + nonce)


def login_csrf_ok(ledger: Ledger, nonce: str | None, presented: str | None) -> bool:
    """The login form's value must belong to the browser's login cookie (SameSite=Strict,
    so a form posted from another site arrives without it)."""
    if not nonce or not presented or len(nonce) > 64:
        return False
    return hmac.compare_digest(login_csrf_value(ledger, nonce), str(presented))
