"""licence: movements and sales to buyers without a valid licence on their date."""

from datetime import date

from tests.detection.builders import data, licence, line, operator, run


def test_import_after_the_licence_expired_fires_per_operator_substance_and_month():
    detection = data(
        lines=[
            line(movement="import", quantity_kg=400.0, date=date(2025, 3, 4)),
            line(movement="import", quantity_kg=600.0, date=date(2025, 3, 20)),
            line(movement="purchase", quantity_kg=50.0, date=date(2025, 3, 21)),
        ],
        licences=[licence(activities="importer|distributor", valid_to=date(2025, 3, 15))],
    )

    [finding] = run("licence", detection)

    assert finding.licence_no == "LIC-001"
    assert finding.substance_code == "acetic-anhydride"
    assert (finding.window_start, finding.window_end) == (date(2025, 3, 1), date(2025, 3, 31))
    assert finding.observed == 650.0
    assert finding.expected is None
    assert finding.evidence == {"declaration_line": (2, 3)}
    assert finding.summary == (
        "ACME S.A. declared 650 kg of acetic anhydride movements in March 2025 without a "
        "valid licence: ACME S.A. (LIC-001)'s licence for acetic-anhydride expired on 2025-03-15"
    )
    assert finding.measures["reasons"] == "expired"


def test_licensed_movements_do_not_fire():
    detection = data(
        lines=[
            line(movement="import", quantity_kg=400.0),
            line(movement="sale", quantity_kg=300.0, counterparty_licence="LIC-002"),
            line(movement="consumption", quantity_kg=10.0),
            line(movement="opening_stock", quantity_kg=10.0),
        ],
        licences=[licence(activities="importer|distributor"),
                  licence(licence_id=2, licence_no="LIC-002", operator_name="Beta S.R.L.",
                          activities="end_user")],
    )

    assert run("licence", detection) == []
    assert run("licence", detection, params={"check": "buyer"}) == []


def test_a_licence_without_an_end_date_written_as_9999_is_valid_and_breaks_nothing():
    # Registries write an open-ended licence as 31/12/9999; the day after it is no date.
    detection = data(
        lines=[line(movement="import", quantity_kg=400.0),
               line(movement="sale", quantity_kg=300.0, counterparty_licence="LIC-002")],
        licences=[licence(activities="importer|distributor", valid_to=date(9999, 12, 31)),
                  licence(licence_id=2, licence_no="LIC-002", operator_name="Beta S.R.L.",
                          activities="end_user", valid_to=date(9999, 12, 31))],
    )

    assert run("licence", detection) == []
    assert run("licence", detection, params={"check": "buyer"}) == []


def test_activity_suspension_and_other_substance_are_reasons():
    detection = data(lines=[
        line(movement="export", quantity_kg=100.0, date=date(2025, 1, 10)),
        line(movement="purchase", quantity_kg=100.0, date=date(2025, 2, 10)),
        line(movement="purchase", substance_code="toluene", quantity_kg=100.0,
             date=date(2025, 3, 10)),
    ], licences=[licence(), licence(version=2, status="suspended",
                                    effective_from=date(2025, 2, 1))])

    findings = run("licence", detection)

    assert [f.measures["reasons"] for f in findings] == [
        "activity_not_licensed", "suspended", "not_licensed_for_substance"]
    assert findings[0].summary.endswith("not as exporter")


def test_an_end_user_may_not_sell():
    detection = data(lines=[line(movement="sale", quantity_kg=100.0)],
                     licences=[licence(activities="end_user")])

    [finding] = run("licence", detection)

    assert finding.summary.endswith(
        "which does not allow selling it (distributor, manufacturer or importer)")


def test_an_end_user_sending_goods_back_to_its_supplier_is_not_selling():
    supplier = operator(licence_no="LIC-002", legal_name="Beta S.R.L.", tax_id="20-2")
    licences = [licence(activities="end_user"),
                licence(licence_id=2, licence_no="LIC-002", operator_name="Beta S.R.L.")]
    bought = line(movement="purchase", quantity_kg=1000.0, counterparty_licence="LIC-002",
                  date=date(2025, 3, 3))
    back = line(movement="sale", quantity_kg=150.0, counterparty_licence="LIC-002",
                date=date(2025, 3, 20), document_ref="NC01-00000007")

    assert run("licence", data(lines=[bought, back], operators=[operator(), supplier],
                               licences=licences)) == []
    # More than it bought from that supplier, or to anyone else, is a sale.
    other = operator(licence_no="LIC-003", legal_name="Gamma S.A.", tax_id="20-3")
    to_other = {**back, "counterparty_licence": "LIC-003"}
    too_much = {**back, "quantity_kg": 1500.0}
    for lines in ([bought, to_other], [bought, too_much]):
        [finding] = run("licence", data(
            lines=lines, operators=[operator(), supplier, other],
            licences=[*licences, licence(licence_id=3, licence_no="LIC-003",
                                         operator_name="Gamma S.A.")]))
        assert "does not allow selling it" in finding.summary


def test_sale_to_a_buyer_whose_licence_is_revoked_and_to_an_unlicensed_buyer():
    detection = data(
        lines=[
            line(movement="sale", quantity_kg=700.0, counterparty_licence="LIC-002",
                 counterparty_name="Beta S.R.L."),
            line(movement="sale", quantity_kg=300.0, counterparty_name="Ferretería El Sol"),
            line(movement="sale", quantity_kg=900.0, counterparty_name="Chem GmbH",
                 counterparty_country="DE"),
        ],
        operators=[operator(), operator(licence_no="LIC-002", legal_name="Beta S.R.L.",
                                        tax_id="20-2")],
        licences=[licence(), licence(licence_id=2, licence_no="LIC-002",
                                     operator_name="Beta S.R.L.", status="revoked")],
    )

    found = {f.licence_no: f for f in run("licence", detection, params={"check": "buyer"})}
    buyer, seller = found["LIC-002"], found["LIC-001"]

    # The registered buyer whose licence is revoked is the party, its seller in the evidence.
    assert (buyer.licence_no, buyer.observed, buyer.evidence) == (
        "LIC-002", 700.0, {"declaration_line": (1,)})
    assert buyer.summary == (
        "Beta S.R.L. bought 700 kg of acetic anhydride in March 2025 without a valid licence, "
        "as its sellers declared: ACME S.A. (LIC-001) (Beta S.R.L. (LIC-002)'s licence for "
        "acetic-anhydride is revoked)")
    # A buyer that is no registered operator: the seller sold to someone unlicensed.
    assert (seller.licence_no, seller.observed, seller.evidence) == (
        "LIC-001", 300.0, {"declaration_line": (2,)})
    assert seller.summary == (
        "ACME S.A. sold 300 kg of acetic anhydride in March 2025 to buyers without a valid "
        "licence: Ferretería El Sol (no registered operator matches the buyer as declared)")
    assert [e["code"] for e in seller.measures["excluded"]][0] == "counterparty_searched"


def test_sales_without_buyer_licence_can_be_limited_by_table_and_quantity():
    detection = data(lines=[
        line(movement="sale", quantity_kg=300.0, counterparty_name="Ferretería El Sol"),
        line(movement="sale", quantity_kg=300.0, substance_code="toluene",
             counterparty_name="Ferretería El Sol"),
    ], licences=[licence(), licence(licence_id=2, substance_code="toluene")])

    only_table_one = run("licence", detection, params={"check": "buyer", "buyer_tables": ["I"]})
    big_only = run("licence", detection, params={"check": "buyer", "buyer_min_kg": 500})

    assert [f.substance_code for f in only_table_one] == ["acetic-anhydride"]
    assert big_only == []


def _registered_buyer(**line_overrides):
    """Return data where ACME sells to Beta (licensed) as written by line_overrides."""
    return data(
        lines=[line(movement="sale", quantity_kg=700.0, **line_overrides)],
        operators=[operator(), operator(licence_no="LIC-00042", legal_name="Química Beta S.A.C.",
                                        tax_id="20100070970")],
        licences=[licence(), licence(licence_id=2, licence_no="LIC-00042",
                                     operator_name="Química Beta S.A.C.", activities="end_user")],
    )


def test_a_licensed_buyer_written_without_its_licence_number_is_not_reported():
    # A seller names the buyer by name, tax id or a retyped licence: it is still Beta.
    for written in ({"counterparty_name": "QUIMICA BETA SAC"},
                    {"counterparty_name": "Quím. Beta"},
                    {"counterparty_name": "Quimca Beta S.A.C."},
                    {"counterparty_licence": "lic 42"},
                    {"counterparty_licence": "20100070970"},
                    {"counterparty_name": "RUC 20100070970"}):
        assert run("licence", _registered_buyer(**written), params={"check": "buyer"}) == [], \
            written


def test_a_buyer_resolved_by_name_whose_licence_is_not_valid_is_reported_saying_so():
    detection = _registered_buyer(counterparty_name="Química Beta", date=date(2027, 2, 1))

    [finding] = run("licence", detection, params={"check": "buyer"})

    assert finding.licence_no == "LIC-00042"
    assert finding.summary.startswith("Química Beta S.A.C. bought 700 kg")
    assert "ACME S.A. (LIC-001)" in finding.summary
    assert "(buyer identified by its name)" in finding.summary
    assert [e["code"] for e in finding.measures["excluded"]] == ["counterparty_resolved",
                                                                  "licence_on_the_day"]


def test_a_buyer_named_by_no_one_in_the_registry_is_still_reported():
    detection = _registered_buyer(counterparty_name="Ferretería Beta Norte")

    [finding] = run("licence", detection, params={"check": "buyer"})

    assert "Ferretería Beta Norte (no registered operator matches" in finding.summary


def test_a_delivery_days_before_a_licence_starts_or_in_a_renewal_gap_is_covered():
    # Licensed from 20 March: invoiced on 10 March, received after. A renewal after a gap.
    starting = data(lines=[line(movement="purchase", date=date(2025, 3, 10))],
                    licences=[licence(valid_from=date(2025, 3, 20))])
    renewed = data(lines=[line(movement="purchase", date=date(2025, 7, 3))],
                   licences=[licence(valid_to=date(2025, 6, 30)),
                             licence(licence_id=2, valid_from=date(2025, 7, 8))])
    far = data(lines=[line(movement="purchase", date=date(2025, 1, 10))],
               licences=[licence(valid_from=date(2025, 3, 20))])
    suspended = data(lines=[line(movement="purchase")], licences=[licence(status="suspended")])

    assert run("licence", starting) == []
    assert run("licence", renewed) == []
    assert len(run("licence", far)) == 1
    assert len(run("licence", suspended)) == 1
    assert len(run("licence", starting, params={"start_grace_days": 0})) == 1
