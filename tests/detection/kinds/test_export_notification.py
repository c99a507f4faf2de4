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


def test_notifications_sent_ahead_for_later_shipments_cover_them():
    # The exporter notifies its December shipment before its November one leaves: the
    # November shipment draws on the older notification that fits it, December on the other.
    detection = data(
        customs=[export_item(net_mass_kg=8600.0, date=date(2025, 11, 12)),
                 export_item(net_mass_kg=5400.0, date=date(2025, 12, 4))],
        notifications=[
            notification(notification_ref="PEN-A", date=date(2025, 10, 27), quantity_kg=8613.0),
            notification(notification_ref="PEN-B", date=date(2025, 11, 12), quantity_kg=5412.0),
        ])

    assert run("export_notification", detection) == []


def test_shipments_beyond_every_open_notification_still_fire():
    detection = data(
        customs=[export_item(net_mass_kg=8600.0, date=date(2025, 11, 12)),
                 export_item(net_mass_kg=9000.0, date=date(2025, 12, 4))],
        notifications=[
            notification(notification_ref="PEN-A", date=date(2025, 10, 27), quantity_kg=8613.0),
            notification(notification_ref="PEN-B", date=date(2025, 11, 12), quantity_kg=5412.0),
        ])

    [finding] = run("export_notification", detection)

    assert finding.window_start == date(2025, 12, 1)
    assert finding.measures["reason"] == "exceeds"
    assert (finding.observed, finding.expected) == (9000.0, 5412.0)


def test_customs_product_mass_is_counted_as_pure_substance():
    # 3,000 kg of 33 % hydrochloric acid is 990 kg of the substance: a 1,000 kg notice covers it.
    item = export_item(net_mass_kg=3000.0, substance_code="hydrochloric-acid",
                       hs_code="2806.10.00")
    notice = notification(substance_code="hydrochloric-acid", quantity_kg=1000.0)
    detection = data(customs=[item], notifications=[notice])

    assert run("export_notification", detection,
               params={"concentrations": {"7647-01-0": 33}}) == []
    [finding] = run("export_notification", detection)
    assert finding.measures["reason"] == "exceeds"
