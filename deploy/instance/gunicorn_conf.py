"""gunicorn's settings on the instances (deploy/instance/photoshare.service passes --config).

A Python file, not flags of the unit: systemd would read the % of the log format as its own.
"""

timeout = 60
forwarded_allow_ips = "*"  # nginx on the same host is the only client of the socket
accesslog = "-"
# Like Django's lines (photoshare/settings.py LOGGING): the request id nginx forwards, in brackets.
access_log_format = '%(h)s [%({x-request-id}i)s] "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# gunicorn's control socket (gunicornc, new in 25.1) goes in the app user's home, which that user
# cannot write: every start logged an ERROR and every stop waited ~8 s for the dead server (deploy
# rehearsal). Nothing here uses gunicornc.
control_socket_disable = True
