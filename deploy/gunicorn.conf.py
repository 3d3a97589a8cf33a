"""gunicorn settings for clinic: `gunicorn -c deploy/gunicorn.conf.py 'clinic:create_app()'`.

Each worker starts its PDF render pool (and compiles the print templates) before it takes requests, so
the first handout after a start or a restart is as fast as the tenth.
"""

import os

workers = int(os.environ.get("WORKERS", "2"))
timeout = 60


def post_worker_init(worker):
    from clinic.pdf import warm_up

    warm_up(worker.wsgi)
