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
