"""Spanish and English: the browser's language by default, the user's pick remembered."""

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from app.web.i18n import LANGUAGES

CATALOGUE = "app/translations/es/LC_MESSAGES/messages"


def _plain(value):
    """Return a message id or string comparable across files (plurals as tuples)."""
    return tuple(value) if isinstance(value, list | tuple) else value


def test_the_compiled_catalogue_matches_the_po_file():
    with open(f"{CATALOGUE}.po", "rb") as po, open(f"{CATALOGUE}.mo", "rb") as mo:
        source, compiled = read_po(po), read_mo(mo)
    wanted = {_plain(m.id): _plain(m.string) for m in source if m.id and m.string}
    have = {_plain(m.id): _plain(m.string) for m in compiled if m.id}
    assert wanted == have, "run: pybabel compile -d app/translations"
    assert not [m.id for m in source if m.id and not m.string], "untranslated messages"


def test_browser_language_then_the_users_pick(auth):
    page = auth.client.get("/sign-in", headers={"Accept-Language": "es-PE,es;q=0.9"})
    assert "Ingresar a Vigía" in page.get_data(as_text=True)
    page = auth.client.get("/sign-in", headers={"Accept-Language": "en-US"})
    assert "Sign in to Vigía" in page.get_data(as_text=True)
    auth.login("officer")
    auth.post("/language", {"lang": "en", "next": "/alerts"})
    html = auth.client.get("/alerts", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Diversion alerts" in html and LANGUAGES == ("es", "en")
    auth.post("/language", {"lang": "es", "next": "/alerts"})
    html = auth.client.get("/alerts").get_data(as_text=True)
    assert "Alertas de desvío" in html
