"""The Python and the templates of deploy/instance, which its deploy.sh installs from the release.

Run here without AWS or a database: moto plays Secrets Manager, a recording stand-in plays MySQL.
The rehearsal (test_rehearsal.py) runs them for real, through the user data.
"""

import json
import os
import pwd
import re
import shutil
import stat
import subprocess
from pathlib import Path

import boto3
import pytest
from django.conf import settings

from deploy.instance import configure_env, render
from deploy.instance.render import TemplateError

INSTANCE = Path(render.__file__).parent
ME = pwd.getpwuid(os.getuid())


def template(name):
    return (INSTANCE / name).read_text()


# --- render.py -------------------------------------------------------------------------------


def test_render_replaces_its_placeholders_and_leaves_every_dollar_alone():
    text = "listen @PORT@; # $host ${HOME} $@VARIABLE@ user@example @lower@\n"
    assert render.render(text, {"PORT": "80", "VARIABLE": "scheme"}) == (
        "listen 80; # $host ${HOME} $scheme user@example @lower@\n"
    )


def test_render_wants_a_value_for_each_placeholder_and_a_placeholder_for_each_value():
    with pytest.raises(TemplateError, match=r"no value for \['B'\]"):
        render.render("@A@ @B@", {"A": "1"})
    with pytest.raises(TemplateError, match=r"no placeholder for \['C'\]"):
        render.render("@A@", {"A": "1", "C": "3"})


def test_render_refuses_values_that_would_add_lines():
    with pytest.raises(TemplateError, match="one line"):
        render.render("x @A@;\n", {"A": "1;\ninclude /etc/passwd"})


def test_a_list_repeats_its_line_once_per_value():
    text = "server {\n    listen @LISTEN@ default_server; # @NAME@\n}\n"
    values = render.parse_values(["LISTEN=80", "NAME=site", "LISTEN=[::]:80"])
    assert values == {"LISTEN": ["80", "[::]:80"], "NAME": "site"}
    assert render.render(text, values) == (
        "server {\n    listen 80 default_server; # site\n    listen [::]:80 default_server; # site\n}\n"
    )
    with pytest.raises(TemplateError, match="two lists"):
        render.render("@A@ @B@\n", {"A": ["1", "2"], "B": ["3", "4"]})


def test_parse_values_wants_name_equals_value():
    assert render.parse_values(["A=x=y", "B="]) == {"A": "x=y", "B": ""}
    for argument in ("A", "lower=1", "=1"):
        with pytest.raises(TemplateError):
            render.parse_values([argument])


def test_the_command_installs_the_filled_template_in_one_step_with_its_mode(tmp_path):
    (tmp_path / "t.conf").write_text("user @USER@;\n")
    destination = tmp_path / "out.conf"
    destination.write_text("old\n")
    render.main([str(tmp_path / "t.conf"), str(destination), "0640", "USER=nginx"])
    assert destination.read_text() == "user nginx;\n"
    assert stat.S_IMODE(destination.stat().st_mode) == 0o640
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.conf", "t.conf"]  # no leftovers
    with pytest.raises(SystemExit, match=r"no value for \['USER'\]"):
        render.main([str(tmp_path / "t.conf"), str(destination), "0640"])
    assert destination.read_text() == "user nginx;\n"


# --- the templates, filled in as deploy.sh fills them --------------------------------------

ROOT = "/stage"
PATHS = {
    "APP_USER": "photoshare",
    "APP_HOME": f"{ROOT}/opt/photoshare",
    "CURRENT": f"{ROOT}/opt/photoshare/current",
    "ENV_FILE": f"{ROOT}/etc/photoshare/env",
    "SOCKET": f"{ROOT}/run/photoshare/gunicorn.sock",
}


def nginx_conf(**values):
    return render.render(
        template("nginx.conf"),
        {
            "NGINX_USER": "nginx",
            "NGINX_LOGS": f"{ROOT}/var/log/nginx",
            "NGINX_PID": f"{ROOT}/run/nginx.pid",
            "CLIENT_MAX_BODY_SIZE": str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
            "SOCKET": PATHS["SOCKET"],
            "CURRENT": PATHS["CURRENT"],
            "PROTO_VARIABLE": "scheme",
            "LISTEN": ["80", "[::]:80"],
            **values,
        },
    )


def test_nginx_admits_the_largest_request_django_admits():
    """client_max_body_size is the app's DATA_UPLOAD_MAX_MEMORY_SIZE: the photo limit and 1 MiB of form."""
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.PHOTOSHARE_MAX_UPLOAD_BYTES + 1024 * 1024
    sizes = re.findall(r"client_max_body_size (\S+);", nginx_conf())
    assert sizes == [str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)]
    assert not re.search(r"client_max_body_size \d", template("nginx.conf")), "a literal of its own"


def test_nginx_listens_on_each_address_and_trusts_a_forwarded_scheme_only_behind_a_load_balancer():
    conf = nginx_conf()
    assert re.findall(r"^\s*listen (.*);$", conf, re.MULTILINE) == [
        "80 default_server",
        "[::]:80 default_server",
    ]
    assert set(re.findall(r"proxy_set_header X-Forwarded-Proto (\S+);", conf)) == {"$scheme"}
    balanced = nginx_conf(PROTO_VARIABLE="forwarded_proto", LISTEN="127.0.0.1:8080")
    assert set(re.findall(r"proxy_set_header X-Forwarded-Proto (\S+);", balanced)) == {"$forwarded_proto"}
    assert re.findall(r"^\s*listen (.*);$", balanced, re.MULTILINE) == ["127.0.0.1:8080 default_server"]


def test_nginx_accepts_the_filled_in_configuration(tmp_path):
    nginx = shutil.which("nginx", path="/usr/sbin:/usr/bin:/sbin:/bin")
    if nginx is None:
        pytest.skip("nginx is not installed")
    for name in ("logs", "run"):
        (tmp_path / name).mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        nginx_conf(
            NGINX_USER=ME.pw_name,
            NGINX_LOGS=str(tmp_path / "logs"),
            NGINX_PID=str(tmp_path / "run/nginx.pid"),
            LISTEN="127.0.0.1:1",  # checked, never bound: nginx -t does not listen
        ).replace("include /etc/nginx/mime.types;", "")
    )
    result = subprocess.run(
        [nginx, "-t", "-q", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "logs/error.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr


def test_the_unit_runs_gunicorn_as_the_app_user_on_the_socket():
    names = ("APP_USER", "CURRENT", "ENV_FILE", "SOCKET")
    unit = render.render(
        template("photoshare.service"),
        {**{name: PATHS[name] for name in names}, "WORKERS": "5", "APP_LOG": "/var/log/photoshare/app.log"},
    )
    assert "\nStandardOutput=append:/var/log/photoshare/app.log\n" in unit  # what the agent ships
    assert f"--config {PATHS['CURRENT']}/deploy/instance/gunicorn_conf.py " in unit
    assert "\nUser=photoshare\nGroup=photoshare\n" in unit
    assert f"\nEnvironmentFile={PATHS['ENV_FILE']}\n" in unit
    assert f"--bind unix:{PATHS['SOCKET']} " in unit and " --workers 5 " in unit
    assert "\nExecReload=/bin/kill -s HUP $MAINPID\n" in unit  # systemd's variable, left alone
    # At boot, after the single instance's own Redis (its rate limits); no Wants=: scaled has none.
    assert "\nAfter=network-online.target redis6.service\n" in unit and "Wants=redis6" not in unit


def test_the_worker_unit_runs_the_worker_command_of_the_release_as_the_app_user():
    values = {name: PATHS[name] for name in ("APP_USER", "CURRENT", "ENV_FILE")}
    unit = render.render(
        template("photoshare-worker.service"), {**values, "APP_LOG": "/var/log/photoshare/app.log"}
    )
    assert "\nStandardOutput=append:/var/log/photoshare/app.log\n" in unit  # shipped with the web log
    assert "\nUser=photoshare\nGroup=photoshare\n" in unit
    assert f"\nEnvironmentFile={PATHS['ENV_FILE']}\n" in unit
    assert f"\nExecStart={PATHS['CURRENT']}/venv/bin/python manage.py worker\n" in unit
    assert "\nRestart=on-failure\n" in unit and "\nWantedBy=multi-user.target\n" in unit


def test_the_queue_of_the_stack_reaches_the_app():
    values = configure_env.env_values({**SETTINGS, "PHOTOSHARE_QUEUE": "stack-jobs"}, "mysql://u:p@d/x", "k")
    assert values["PHOTOSHARE_JOBS_QUEUE"] == "stack-jobs"


def test_the_sender_of_the_stack_reaches_the_app_and_none_means_djangos_default():
    values = configure_env.env_values(
        {**SETTINGS, "PHOTOSHARE_MAIL_FROM": "no-reply@photos.example.com"}, "mysql://u:p@d/x", "k"
    )
    assert values["DEFAULT_FROM_EMAIL"] == "no-reply@photos.example.com"
    assert "DEFAULT_FROM_EMAIL" not in configure_env.env_values(
        {**SETTINGS, "PHOTOSHARE_MAIL_FROM": ""}, "mysql://u:p@d/x", "k"
    )


def test_the_manage_wrapper_runs_the_release_as_the_app_user(tmp_path):
    names = ("APP_USER", "APP_HOME", "CURRENT", "ENV_FILE")
    values = {**{name: PATHS[name] for name in names}, "MANAGE": "/usr/local/bin/photoshare-manage"}
    wrapper = render.render(template("photoshare-manage"), values)
    assert "exec runuser -u photoshare -- env -i " in wrapper
    assert f"release=${{PHOTOSHARE_RELEASE:-{PATHS['CURRENT']}}}\n" in wrapper
    assert f' photoshare-manage {PATHS["ENV_FILE"]} "$release" "$@"\n' in wrapper
    if shutil.which("shellcheck"):
        (tmp_path / "photoshare-manage").write_text(wrapper)
        result = subprocess.run(
            ["shellcheck", "--severity=style", str(tmp_path / "photoshare-manage")],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout


# --- configure_env.py ------------------------------------------------------------------------

SETTINGS = {
    "PHOTOSHARE_REGION": "us-east-1",
    "PHOTOSHARE_BUCKET": "media",
    "PHOTOSHARE_TABLE": "photos",
    "PHOTOSHARE_HOSTS": "198.51.100.1,photos.example",
    "PHOTOSHARE_MAX_UPLOAD_BYTES": "20971520",
    "PHOTOSHARE_DB_HOST": "db.example",
    "PHOTOSHARE_DB_PORT": "3306",
    "PHOTOSHARE_DB_NAME": "photoshare",
    "PHOTOSHARE_DB_SSL_MODE": "REQUIRED",
    "PHOTOSHARE_BEHIND_LOAD_BALANCER": "false",
}


def test_importing_the_step_does_nothing():
    source = template("configure_env.py")
    assert '\nif __name__ == "__main__":\n    main()\n' in source
    assert callable(configure_env.main)


def test_without_a_load_balancer_the_site_is_plain_http_behind_one_proxy():
    values = configure_env.env_values(SETTINGS, "mysql://u:p@db:3306/d", "key")
    assert values["DJANGO_SECRET_KEY"] == "key"
    assert values["DATABASE_URL"] == "mysql://u:p@db:3306/d"
    assert values["DJANGO_ALLOWED_HOSTS"] == "198.51.100.1,photos.example,localhost"
    assert values["PHOTOSHARE_SITE_URL"] == "http://photos.example"
    assert values["PHOTOSHARE_MAX_UPLOAD_BYTES"] == "20971520"
    assert values["PHOTOSHARE_TRUSTED_PROXY_COUNT"] == "1"
    assert {values[name] for name in ("DJANGO_SECURE_SSL_REDIRECT", "DJANGO_SECURE_COOKIES")} == {"0"}
    assert values["DJANGO_SECURE_HSTS_SECONDS"] == "0"
    assert "AWS_ENDPOINT_URL" not in values


def test_behind_a_load_balancer_the_secure_defaults_stay_and_two_proxies_are_trusted():
    balanced = {**SETTINGS, "PHOTOSHARE_BEHIND_LOAD_BALANCER": "true", "AWS_ENDPOINT_URL": "http://moto:5000"}
    values = configure_env.env_values(balanced, "mysql://u:p@db:3306/d", "key")
    assert values["PHOTOSHARE_TRUSTED_PROXY_COUNT"] == "2"
    assert values["PHOTOSHARE_SITE_URL"] == "https://photos.example"  # the digest mail's links
    assert not {"DJANGO_SECURE_SSL_REDIRECT", "DJANGO_SECURE_COOKIES", "DJANGO_SECURE_HSTS_SECONDS"} & set(
        values
    )
    assert values["AWS_ENDPOINT_URL"] == "http://moto:5000"  # the rehearsal's moto


def test_the_database_url_quotes_the_account_and_names_the_tls_mode():
    database = configure_env.Database("db.example", "3306", "photoshare", "app_user", "p/w:d@x", "REQUIRED")
    assert database.url == "mysql://app_user:p%2Fw%3Ad%40x@db.example:3306/photoshare?ssl_mode=REQUIRED"
    assert "p/w:d@x" not in repr(database)
    assert configure_env.Database("h", "1", "d", "u", "p").url == "mysql://u:p@h:1/d"
    for name, user in [("photo-share", "u"), ("d", "u`; DROP"), ("d" * 33, "u")]:
        with pytest.raises(SystemExit, match="only letters"):
            configure_env.Database("h", "1", name, user, "p")


def test_the_env_file_means_the_same_to_systemd_and_bash(tmp_path):
    text = configure_env.env_file_text({"A": "x,y:z/1", "DATABASE_URL": "mysql://u:p%2F@h:1/d"})
    assert text == "A='x,y:z/1'\nDATABASE_URL='mysql://u:p%2F@h:1/d'\n"
    (tmp_path / "env").write_text(text)
    shown = subprocess.run(
        ["bash", "-c", 'set -a; . "$1"; printf "%s|%s" "$A" "$DATABASE_URL"', "-", str(tmp_path / "env")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert shown == "x,y:z/1|mysql://u:p%2F@h:1/d"
    for value in ("", "has space", "it's", 'say "x"', "a\\b", "$HOME", "`id`", "line\nbreak"):
        with pytest.raises(SystemExit, match="cannot carry"):
            configure_env.env_file_text({"A": value})


def test_the_env_file_is_replaced_whole_mode_0600_owned_by_the_app_user(tmp_path):
    path = tmp_path / "env"
    path.write_text("OLD='1'\n")
    path.chmod(0o644)
    configure_env.write_env_file(str(path), "NEW='2'\n", ME.pw_name)
    info = path.stat()
    assert path.read_text() == "NEW='2'\n"
    assert (stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid) == (0o600, ME.pw_uid, ME.pw_gid)
    assert sorted(os.listdir(tmp_path)) == ["env"]


class RecordingMySQL:
    """MySQLdb.connect's part: records the connection's arguments and the statements."""

    def __init__(self):
        self.arguments, self.statements, self.closed = None, [], False

    def __call__(self, **arguments):
        self.arguments = arguments
        return self

    def cursor(self):
        return self

    def execute(self, statement, parameters=()):
        self.statements.append((statement, parameters))

    def close(self):
        self.closed = True


def test_main_reads_the_secrets_creates_the_app_account_and_writes_the_env_file(
    moto_server, tmp_path, capsys
):
    secrets = boto3.client(
        "secretsmanager",
        endpoint_url=moto_server.url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )

    def secret(name, value):
        return secrets.create_secret(Name=f"{name}-{os.urandom(4).hex()}", SecretString=value)["ARN"]

    environ = {
        **SETTINGS,
        "PHOTOSHARE_DB_MASTER_SECRET": secret(
            "master", json.dumps({"username": "admin", "password": "m4ster"})
        ),
        "PHOTOSHARE_DB_APP_SECRET": secret(
            "app", json.dumps({"username": "photoshare", "password": "Ap9pw"})
        ),
        "PHOTOSHARE_SECRET_KEY_SECRET": secret("key", "django-key-123"),
        "PHOTOSHARE_ENV_FILE": str(tmp_path / "env"),
        "PHOTOSHARE_USER": ME.pw_name,
    }
    mysql = RecordingMySQL()

    configure_env.main(environ, secrets=secrets, connect=mysql)

    assert mysql.arguments == {
        "host": "db.example",
        "port": 3306,
        "user": "admin",
        "password": "m4ster",
        "connect_timeout": 10,
        "ssl_mode": "REQUIRED",
    }
    assert mysql.statements == [
        ("CREATE DATABASE IF NOT EXISTS `photoshare` CHARACTER SET utf8mb4", ()),
        ("CREATE USER IF NOT EXISTS %s@'%%' IDENTIFIED BY %s", ("photoshare", "Ap9pw")),
        ("ALTER USER %s@'%%' IDENTIFIED BY %s", ("photoshare", "Ap9pw")),
        ("GRANT ALL PRIVILEGES ON `photoshare`.* TO %s@'%%'", ("photoshare",)),
    ]
    assert mysql.closed
    written = dict(line.split("=", 1) for line in (tmp_path / "env").read_text().splitlines())
    assert (
        written["DATABASE_URL"] == "'mysql://photoshare:Ap9pw@db.example:3306/photoshare?ssl_mode=REQUIRED'"
    )
    assert written["DJANGO_SECRET_KEY"] == "'django-key-123'"
    assert "m4ster" not in (tmp_path / "env").read_text()  # the master account stays out of it
    output = capsys.readouterr().out
    assert output.startswith(f"wrote {tmp_path / 'env'} (")
    assert not {"m4ster", "Ap9pw", "django-key-123"} & set(re.findall(r"[\w-]+", output))


def test_with_redis_the_rate_limits_media_urls_and_list_pages_share_it_and_the_database_ca_is_named():
    scaled = {**SETTINGS, "PHOTOSHARE_CACHE_URL": "rediss://cache.example:6379/0"}
    values = configure_env.env_values(
        scaled, "mysql://u:p@db:3306/d", "key", "/etc/photoshare/database-ca.pem"
    )
    assert (
        values["DJANGO_CACHE_URL"]
        == values["PHOTOSHARE_MEDIA_URL_CACHE_URL"]
        == values["PHOTOSHARE_LIST_CACHE_URL"]
        == scaled["PHOTOSHARE_CACHE_URL"]
    )
    assert values["DATABASE_SSL_CA"] == "/etc/photoshare/database-ca.pem"
    plain = configure_env.env_values(SETTINGS, "mysql://u:p@db:3306/d", "key")
    assert "DATABASE_SSL_CA" not in plain


CACHES = ("DJANGO_CACHE_URL", "PHOTOSHARE_MEDIA_URL_CACHE_URL", "PHOTOSHARE_LIST_CACHE_URL")


def test_a_single_instance_keeps_its_rate_limits_and_caches_in_its_own_redis():
    """Topology=single: no stack Redis, so the instance's own (redis6 on 127.0.0.1), never the
    database cache, whose increments are not atomic (issue 16)."""
    values = configure_env.env_values(
        {**SETTINGS, "PHOTOSHARE_CACHE_URL": ""}, "mysql://u:p@db:3306/d", "key"
    )
    assert {name: values[name] for name in CACHES} == dict.fromkeys(CACHES, "redis://127.0.0.1:6379/0")
    assert not any("dbcache" in value for value in values.values())
    # The rehearsal, whose machine's Redis is shared, names a database of its own.
    rehearsal = {**SETTINGS, "PHOTOSHARE_LOCAL_CACHE_URL": "redis://127.0.0.1:6379/5"}
    values = configure_env.env_values(rehearsal, "mysql://u:p@db:3306/d", "key")
    assert {values[name] for name in CACHES} == {"redis://127.0.0.1:6379/5"}
    assert "PHOTOSHARE_LOCAL_CACHE_URL" not in values


def test_a_scaled_web_server_refuses_to_count_its_rate_limits_alone():
    """Without the stack's ElastiCache a scaled server would count each limit once per instance:
    refused (the template's Rules already refuse Topology=scaled without CacheNodeType)."""
    scaled = {**SETTINGS, "PHOTOSHARE_DB_ACCOUNT": "exists", "PHOTOSHARE_BEHIND_LOAD_BALANCER": "true"}
    with pytest.raises(SystemExit, match="shared Redis"):
        configure_env.env_values(scaled, "mysql://u:p@db:3306/d", "key")
    with_cache = {**scaled, "PHOTOSHARE_CACHE_URL": "rediss://cache.example:6379/0"}
    values = configure_env.env_values(with_cache, "mysql://u:p@db:3306/d", "key")
    assert {values[name] for name in CACHES} == {"rediss://cache.example:6379/0"}


def test_the_master_connection_verifies_the_certificate_against_the_ca_bundle():
    mysql = RecordingMySQL()
    database = configure_env.Database("db.example", "3306", "d", "u", "p", "VERIFY_IDENTITY", "/ca.pem")
    database.create(mysql, {"username": "admin", "password": "m"})
    assert (mysql.arguments["ssl_mode"], mysql.arguments["ssl"]) == ("VERIFY_IDENTITY", {"ca": "/ca.pem"})


class NoMasterSecret:
    """Secrets Manager as the scaled stack's web role sees it: the master secret is denied."""

    def __init__(self, values):
        self.values = values

    def get_secret_value(self, SecretId):
        if SecretId == "master":
            raise AssertionError("the web instance asked for the RDS master secret")
        return {"SecretString": self.values[SecretId]}


def test_a_scaled_web_instance_never_reads_the_master_secret(tmp_path):
    environ = {
        **SETTINGS,
        "PHOTOSHARE_DB_ACCOUNT": "exists",
        "PHOTOSHARE_CACHE_URL": "rediss://cache.example:6379/0",
        "PHOTOSHARE_DB_MASTER_SECRET": "master",
        "PHOTOSHARE_DB_APP_SECRET": "app",
        "PHOTOSHARE_SECRET_KEY_SECRET": "key",
        "PHOTOSHARE_ENV_FILE": str(tmp_path / "env"),
        "PHOTOSHARE_USER": ME.pw_name,
    }
    secrets = NoMasterSecret({"app": json.dumps({"username": "photoshare", "password": "Ap9pw"}), "key": "k"})
    mysql = RecordingMySQL()

    configure_env.main(environ, secrets=secrets, connect=mysql)

    assert mysql.arguments is None  # no connection as the master account
    assert "DATABASE_URL='mysql://photoshare:Ap9pw@" in (tmp_path / "env").read_text()
