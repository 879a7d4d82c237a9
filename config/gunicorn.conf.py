"""gunicorn settings for Fahras (``gunicorn --config config/gunicorn.conf.py wsgi:app``).

Each value can be overridden by the environment variable named beside it.
"""

import os

bind = os.environ.get("FAHRAS_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("FAHRAS_WORKERS", "2"))
worker_class = "sync"
timeout = int(os.environ.get("FAHRAS_TIMEOUT", "30"))
graceful_timeout = 10
# gunicorn 27's control socket (one path per user, shared by every gunicorn the user
# runs, left behind by a killed master) is not used: off. Older releases ignore it.
control_socket_disable = True
# One line per request: address, request line, status, size, time in microseconds.
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus'
errorlog = "-"
