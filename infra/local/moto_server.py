"""moto's WSGI app on 127.0.0.1, with DynamoDB requests serialised.

moto's DynamoDB backend is not thread-safe: concurrent conditional updates both pass their
condition, and concurrent TransactWriteItems snapshot and restore whole tables without a lock
(lost writes, 500s). Real DynamoDB serialises per item, so one lock around DynamoDB requests
reproduces its semantics locally. SQS long polls and S3 stay concurrent.

Usage: python moto_server.py [port]   (port 0 or absent: any free port)
Prints "PRSM_LOCAL_AWS_PORT=<port>" once it listens.
"""

import copy
import logging
import signal
import sys
import threading

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
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


def transact_write_items(self, transact_items):
    """DynamoDB's TransactWriteItems, as DynamoDB does it: every condition is evaluated against
    the state before the transaction, then all writes are applied, or none.

    moto's own version deep-copies the whole table once per item as its rollback point, so a
    transaction costs more the larger the table grows (seconds per transaction on a test table
    of a few thousand items). Under the lock above nothing runs concurrently, so keeping the
    touched items is a sufficient rollback point.
    """
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    touched = set()
    planned = []
    reasons = []
    for entry in transact_items:
        if len(entry) > 1:
            raise TransactWriteSingleOpException
        op_type, op = next(iter(entry.items()))
        table_name = op["TableName"]
        table = self.get_table(table_name)
        if op_type == "Put":
            key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
            if table.range_key_attr is not None:
                key[table.range_key_attr] = op["Item"][table.range_key_attr]
        else:
            key = op["Key"]
        identity = (table_name, str(dict(sorted(key.items()))))
        if identity in touched:
            raise MultipleTransactionsException()
        touched.add(identity)
        current = self.get_item(table_name, key)
        condition = op.get("ConditionExpression")
        if condition is not None:
            check = get_filter_expression(
                condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            )
            if not check.expr(current):
                returned = None
                if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                    returned = current.to_json()["Attributes"]
                reasons.append(("ConditionalCheckFailed", "The conditional request failed", returned))
                continue
        reasons.append((None, None, None))
        planned.append((op_type, op, table_name, key, copy.deepcopy(current)))
    if any(code is not None for code, _, _ in reasons):
        raise TransactionCanceledException(reasons)

    applied = []
    try:
        for op_type, op, table_name, key, before in planned:
            applied.append((table_name, key, before))
            if op_type == "Put":
                self.put_item(table_name, op["Item"])
            elif op_type == "Delete":
                self.delete_item(table_name, key)
            elif op_type == "Update":
                self.update_item(
                    table_name,
                    key,
                    update_expression=op["UpdateExpression"],
                    expression_attribute_names=op.get("ExpressionAttributeNames"),
                    expression_attribute_values=op.get("ExpressionAttributeValues"),
                )
    except Exception:
        for table_name, key, before in reversed(applied):
            if before is None:
                self.delete_item(table_name, key)
            else:
                self.put_item(table_name, before.to_json()["Attributes"])
        raise


DynamoDBBackend.transact_write_items = transact_write_items


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
