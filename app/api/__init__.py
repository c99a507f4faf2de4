"""The JSON API (OpenAPI 3, flask-smorest): declarations for companies, alerts for officers,
rules and detection runs for readers. Spec at /api/openapi.json, docs at /api/docs."""
