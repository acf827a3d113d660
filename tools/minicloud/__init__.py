"""A real, small OpenStack on 127.0.0.1 to run host-status-ext in nova-api.

``python -m tools.minicloud up|down|status`` (see ``__main__``). Everything
it makes lives under one state folder (``<repo>/.minicloud`` unless
``MINICLOUD_DIR`` says otherwise), plus Debian's MariaDB and RabbitMQ.
"""
