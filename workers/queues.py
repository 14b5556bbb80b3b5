"""The RQ queue the app enqueues on and `flask worker` drains."""

from flask import Flask
from rq import Queue

from fieldapp.redis_conn import get_redis

QUEUE_NAME = "fieldapp"


def get_queue(app: Flask | None = None) -> Queue:
    """The app's job queue, on the app's Redis."""
    return Queue(QUEUE_NAME, connection=get_redis(app))
