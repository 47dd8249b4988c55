"""Gunicorn settings for production.

Run: gunicorn -c config/gunicorn.conf.py "lti_tool:create_app()"
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Threads let a worker wait on an LMS (JWKS, tokens) without holding up other launches.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
# Every open live page (chat, waiting room, tutor console) holds a thread for its stream.
threads = int(os.environ.get("THREADS", 100))
timeout = 30
graceful_timeout = 30
# The TLS terminator in front sets X-Forwarded-Proto; ProxyFix in the app trusts PROXY_FIX_HOPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
# No query strings in the access log: launch parameters carry hints that are not ours to log.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss'
