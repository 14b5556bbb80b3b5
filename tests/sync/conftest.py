"""A real threaded WSGI server for the chaos test, counting the requests it is still serving."""

import threading

import pytest
from werkzeug.serving import make_server


class InFlight:
    """WSGI middleware that knows how many requests are being served right now."""

    def __init__(self, app):
        self.app = app
        self.count = 0
        self._changed = threading.Condition()

    def __call__(self, environ, start_response):
        with self._changed:
            self.count += 1
        try:
            # The whole body is produced here, so "done" means the request's work is done.
            return list(self.app(environ, start_response))
        finally:
            with self._changed:
                self.count -= 1
                self._changed.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no request is being served; False if some still is after `timeout`."""
        with self._changed:
            return self._changed.wait_for(lambda: self.count == 0, timeout=timeout)


@pytest.fixture
def served(app):
    """The app over HTTP on a free local port, one thread per connection: (base URL, InFlight)."""
    in_flight = InFlight(app)
    server = make_server("127.0.0.1", 0, in_flight, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", in_flight
    server.shutdown()
    thread.join(timeout=10)
    in_flight.wait_idle(timeout=30)
    server.server_close()
