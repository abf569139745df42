"""gunicorn settings read automatically from the working directory (``make run``).

limit_request_line: gunicorn answers a request line over its limit (default 4094 bytes) with
its own HTML 414, not the API's JSON error. It is lifted here (0: no limit of gunicorn's own)
so that the app refuses long URLs itself (``alliance.web.errors.MAX_URL_LENGTH``, 4096
characters): a JSON 414 under /api/, a Chinese page elsewhere. In production keep a bound in
the reverse proxy in front (nginx ``large_client_header_buffers 4 16k``), so no client can send
an endless line.
"""
limit_request_line = 0
limit_request_fields = 100
limit_request_field_size = 8190


def post_worker_init(worker):
    """Do a worker's one-off work before it serves, then move everything the app loaded (its
    modules, jieba's dictionary, the OpenAPI document, the compiled templates...) out of the
    garbage collector's sight.

    A worker holds ~200,000 long-lived objects after ``create_app``; every full collection walked
    them all, ~95 ms on the benchmark machine, and a request that triggered one waited for it:
    that was the p99 of every HTML page (issue 7). Frozen objects are never freed, which is
    right for what lives as long as the worker; objects made by requests are collected as before.

    Templates were compiled, and the pooled database connection opened (with its PRAGMAs and,
    on SQLite before 3.46, its sampled ANALYZE), by the first requests each page got: tens of
    milliseconds that the first users after a restart waited, and that the objects made then
    were left for every full collection to walk. Both happen here now, before the freeze.
    """
    import gc

    from alliance.api import api

    api.spec  # noqa: B018 - writes the OpenAPI document now (create_app defers it), so it is frozen too
    warm_up(getattr(worker, "wsgi", None))
    gc.collect()
    gc.freeze()


def warm_up(app) -> None:
    """Compile every template and open the pooled database connection of a Flask ``app`` that
    uses the project's extensions (the benchmark's floor app, served with these settings, only
    gets its templates compiled)."""
    jinja_env = getattr(app, "jinja_env", None)
    if jinja_env is None:
        return
    from jinja2 import TemplateError

    with app.app_context():
        for name in jinja_env.list_templates(extensions=("html",)):
            try:
                jinja_env.get_template(name)
            except TemplateError:  # that page fails when asked for, as it would have; the rest serve
                app.logger.exception("template %s does not compile", name)
        if "sqlalchemy" in app.extensions:
            from alliance.extensions import db

            with db.engine.connect():  # back to the pool, ready for the first request
                pass
