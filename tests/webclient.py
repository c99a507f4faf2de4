"""Test clients signed in as a role, posting forms with their CSRF token."""

from __future__ import annotations

import re

PASSWORD = "correct horse battery"
NAMES = ("officer", "supervisor", "supervisor2", "regulator", "regulator2", "company", "admin")
class Auth:
    """Sign a test client in and out, and post forms with the session's CSRF token."""

    def __init__(self, client) -> None:
        self.client = client
        self.token = None

    def csrf(self, path: str = "/sign-in") -> str:
        """Return the CSRF token of the client's session, read from a page's form."""
        html = self.client.get(path).get_data(as_text=True)
        match = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self, name: str, password: str = PASSWORD):
        """Sign in as one of the users fixture's users."""
        token = self.csrf()
        response = self.client.post("/sign-in", data={
            "email": f"{name}@example.org", "password": password, "csrf_token": token})
        self.token = self.csrf("/account/password") if response.status_code == 302 else None
        return response

    def post(self, path: str, data: dict | None = None, **kwargs):
        """Post a form with the CSRF token."""
        return self.client.post(path, data={**(data or {}), "csrf_token": self.token}, **kwargs)
