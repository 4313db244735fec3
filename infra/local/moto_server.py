"""moto's WSGI app on 127.0.0.1, with DynamoDB requests serialised.

moto's DynamoDB backend is not thread-safe: concurrent conditional updates both pass their
condition, and concurrent TransactWriteItems snapshot and restore whole tables without a lock
(lost writes, 500s). Real DynamoDB serialises per item, so one lock around DynamoDB requests
reproduces its semantics locally. SQS long polls and S3 stay concurrent.

Usage: python moto_server.py [port]   (port 0 or absent: any free port)
Prints "PRSM_LOCAL_AWS_PORT=<port>" once it listens.
"""

import logging
import signal
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

_dynamodb_lock = threading.Lock()


def serialise_dynamodb(app):
    def wrapped(environ, start_response):
        if not environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
            return app(environ, start_response)
        with _dynamodb_lock:
            # The response body is produced lazily: drain it while still holding the lock.
            result = app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close:
                    close()
        return [body]

    return wrapped


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    app = serialise_dynamodb(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", port, app, threaded=True)

    def stop(_signum, _frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"PRSM_LOCAL_AWS_PORT={server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
