"""The Celery app of bench/peers.sh: Redis as broker and result backend (PEERS_REDIS_URL),
JSON messages, the pi task of peers_work. Started by the script as
`celery -A peers_celery worker --pool=prefork --concurrency=2`."""
import os

from celery import Celery

import peers_work

_redis = os.environ.get("PEERS_REDIS_URL", "redis://127.0.0.1:6379")
app = Celery("peers", broker=_redis + "/0", backend=_redis + "/1")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    result_expires=600,
    worker_hijack_root_logger=False,
    broker_connection_retry_on_startup=True,
)


@app.task(name="peers.pi_inside")
def pi_inside(samples, seed, index=0):
    return peers_work.pi_inside(samples, seed, index)
