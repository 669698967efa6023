"""A WSGI app for the gunicorn worker tests: answers without reading the request body."""


def app(environ, start_response):
    body = b"hello " * 2000
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
