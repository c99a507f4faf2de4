"""export_notification: exports without a cleared pre-export notification."""

from datetime import date

from tests.detection.builders import customs_item, data, line, notification, run


def export_item(**overrides) -> dict:
    values = {"flow": "export", "partner_country": "CO", "date": date(2025, 3, 20),
              "net_mass_kg": 1000.0}
    values.update(overrides)
    return customs_item(**values)


def test_export_without_notification_fires():
    detection = data(customs=[export_item()], notifications=[
        notification(importing_country="EC")])

    [finding] = run("export_notification", detection)

    assert finding.licence_no == "LIC-001"
    assert finding.substance_code == "acetic-anhydride"
    assert (finding.window_start, finding.window_end) == (date(2025, 3, 1), date(2025, 3, 31))
    assert (finding.observed, finding.expected) == (1000.0, 0.0)
    assert finding.evidence == {"customs_item": (1,)}
    assert finding.measures["reason"] == "none"
    assert finding.summary == (
        "ACME S.A. exported 1,000 kg of acetic anhydride to CO in March 2025 without a "
        "pre-export notification"
    )


def test_exports_with_no_notifications_at_all():
    detection = data(customs=[export_item(partner_country=None)])

    [finding] = run("export_notification", detection)

    assert finding.summary == (
        "ACME S.A. exported 1,000 kg of acetic anhydride to an unknown country in March 2025 "
        "without a pre-export notification"
    )


def test_approved_notification_covers_the_export():
    detection = data(customs=[export_item(net_mass_kg=600.0),
                              export_item(net_mass_kg=450.0, date=date(2025, 4, 2))],
                     notifications=[notification()])

    assert run("export_notification", detection) == []


def test_export_beyond_the_notified_quantity_or_too_late_fires():
    detection = data(customs=[export_item(net_mass_kg=600.0),
                              export_item(net_mass_kg=600.0, date=date(2025, 4, 2))],
                     notifications=[notification()])

    [finding] = run("export_notification", detection)

    assert finding.measures["reason"] == "exceeds"
    assert (finding.observed, finding.expected) == (600.0, 1000.0)
    assert finding.evidence == {"customs_item": (2,), "export_notification": (1,)}
    late = data(customs=[export_item(date=date(2025, 12, 1))], notifications=[notification()])
    assert run("export_notification", late)[0].measures["reason"] == "none"


def test_export_to_a_country_that_objected_is_critical():
    detection = data(lines=[line(movement="export", quantity_kg=1000.0, counterparty_country="CO",
                                 date=date(2025, 3, 20))],
                     notifications=[notification(status="objected")])

    [finding] = run("export_notification", detection, params={"source": "declarations"})

    assert finding.severity == "critical"
    assert finding.evidence == {"declaration_line": (1,), "export_notification": (1,)}
    assert finding.summary.endswith("although the importing country objected to the notification")
