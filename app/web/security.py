"""Security on every response: CSP without inline scripts, no framing, no sniffing; CSRF."""

from __future__ import annotations

from flask import Flask, request
from flask_wtf.csrf import CSRFProtect

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
])
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

csrf = CSRFProtect()


def _headers(response):
    """Add the security headers; pages with data are never cached by browsers or proxies."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint is None or not (request.endpoint == "static"
                                        or request.endpoint.endswith(".static")):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_security(app: Flask, *, secure_cookies: bool) -> None:
    """Harden cookies, protect every form against CSRF and add the headers."""
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies,
        SESSION_COOKIE_NAME="vigia_session",
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        REMEMBER_COOKIE_SECURE=secure_cookies,
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        SEND_FILE_MAX_AGE_DEFAULT=3600,
    )
    csrf.init_app(app)
    app.after_request(_headers)
