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
    """Move everything the app loaded at start (its modules, jieba's dictionary, the OpenAPI
    document...) out of the garbage collector's sight once the worker is ready.

    A worker holds ~200,000 long-lived objects after ``create_app``; every full collection walked
    them all, ~95 ms on the benchmark machine, and a request that triggered one waited for it:
    that was the p99 of every HTML page (issue 7). Frozen objects are never freed, which is
    right for what lives as long as the worker; objects made by requests are collected as before.
    """
    import gc

    from alliance.api import api

    api.spec  # noqa: B018 - writes the OpenAPI document now (create_app defers it), so it is frozen too
    gc.collect()
    gc.freeze()
