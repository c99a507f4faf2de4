"""The supervisors' page of job runs: newest first, paged, errors shown, in both languages."""

from __future__ import annotations

from app.scheduler import service


def _runs(db_session, count: int):
    for number in range(count):
        run = service.start_run(session=db_session, job_id="drop-folders", holder="h:1")
        service.finish_run(session=db_session, run_id=run.id, status="completed",
                           summary=f"run number {number}")
    failed = service.start_run(session=db_session, job_id="detect-nightly", holder="h:1")
    service.finish_run(session=db_session, run_id=failed.id, status="failed",
                       error="cannot reach the PostgreSQL database")
    db_session.commit()


def test_supervisors_see_runs_newest_first_with_their_errors(auth, db_session):
    _runs(db_session, 60)
    auth.login("supervisor")
    auth.post("/language", {"lang": "en", "next": "/jobs"})
    page = auth.client.get("/jobs").get_data(as_text=True)
    assert "cannot reach the PostgreSQL database" in page
    # 61 runs, 50 a page: the failed run (the newest), then runs 59 down to 11.
    assert page.index("cannot reach") < page.index("run number 59") < page.index("run number 11<")
    assert "run number 10<" not in page and "Page 1 of 2" in page
    second = auth.client.get("/jobs?page=2").get_data(as_text=True)
    assert "run number 10<" in second and "run number 0<" in second
    only = auth.client.get("/jobs?job=detect-nightly").get_data(as_text=True)
    assert "run number" not in only and "cannot reach" in only
    assert auth.client.get("/jobs?page=zzz&job=nope").status_code == 200


def test_the_page_speaks_spanish(auth, db_session):
    _runs(db_session, 1)
    auth.login("supervisor")
    auth.post("/language", {"lang": "es", "next": "/jobs"})
    page = auth.client.get("/jobs").get_data(as_text=True)
    assert "Tareas programadas" in page and "fallida" in page
    assert "Importar los archivos completos" in page


def test_officers_do_not_see_the_jobs_link(auth):
    auth.login("officer")
    assert "/jobs" not in auth.client.get("/alerts").get_data(as_text=True)
    auth.post("/sign-out")
    auth.login("supervisor")
    assert 'href="/jobs"' in auth.client.get("/alerts").get_data(as_text=True)
