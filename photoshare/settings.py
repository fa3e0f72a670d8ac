"""photoshare settings: every value comes from the environment, read here and nowhere else.

Unset AWS endpoint URLs mean the real AWS services; the local stack (`make run`, the tests)
points them at moto. See the configuration table in README.md.
"""

from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlsplit

import environ
from boto3.s3.transfer import TransferConfig
from botocore.config import Config as BotocoreConfig
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from gallery.imaging.renditions import DISPLAY, THUMBNAIL
from photoshare.caches import own_keys

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# No default: production must set a real key; `make run` and `make test` generate a throwaway one.
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # django.contrib.admin, whose site lets staff in only after a second factor (docs/security.md).
    "accounts.admin_config.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "storages",
    "gallery",
    "accounts",
    # Sign-up, confirmation, login, reset, password and address changes, their rate limits
    # (docs/security.md); second factors (TOTP, recovery codes, passkeys).
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
]

MIDDLEWARE = [
    # First: every log line a request causes carries its id (gallery/web/requestid.py).
    "gallery.web.requestid.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A browser's writes show on its next list pages on any process (gallery/web/list_writes.py).
    "gallery.web.list_writes.ListWritesMiddleware",
    # Django's Content-Security-Policy (settings below), and inside it the media storage's origins.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "gallery.web.csp.StorageSourcesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language from the cookie or Accept-Language (after sessions, before common).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, whose check reads the body: malformed or oversized bodies are refused unread.
    "gallery.web.body_limits.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Once the user is known: a signed-in user's saved language replaces LocaleMiddleware's pick.
    "accounts.languages.AccountLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # allauth's login state (stages such as "confirm your address") and the list of sessions.
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees a view's exceptions first: domain errors become 4xx/503 pages or JSON.
    "gallery.web.errors.ErrorResponseMiddleware",
]
# Pages and JSON gzipped by Django where nothing in front does it: `make run` (devstack) sets it.
# In production nginx compresses (deploy/instance/nginx.conf: gzip), off the app's workers.
# First, so it compresses what every other middleware made (Django pads it against BREACH).
PHOTOSHARE_GZIP = env.bool("PHOTOSHARE_GZIP", default=False)
if PHOTOSHARE_GZIP:
    MIDDLEWARE.insert(0, "django.middleware.gzip.GZipMiddleware")

ROOT_URLCONF = "photoshare.urls"
WSGI_APPLICATION = "photoshare.wsgi.application"

# django-ninja's /api/docs/ template and Swagger UI files (served by whitenoise), found without
# importing it: as an installed app, every process (the worker too) would import ninja and
# pydantic at setup, ~13 MB of a worker's 87 MB floor (issue 26). gallery.api.openapi renders it.
NINJA_DIR = Path(find_spec("ninja").origin).parent

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates", NINJA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # {{ csp_nonce }}: the nonce of the request's Content-Security-Policy.
                "django.template.context_processors.csp",
            ],
        },
    },
]

# Accounts database. SQLite for a quick local run, MySQL/MariaDB (RDS) in production and CI.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / '.local' / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "charset": "utf8mb4",
            "init_command": "SET sql_mode='STRICT_TRANS_TABLES'",
            # Explicit timeouts (seconds): a database that stops answering fails the request
            # (a "try again" page) instead of holding the worker until gunicorn kills it.
            "connect_timeout": env.int("DATABASE_CONNECT_TIMEOUT", default=5),
            "read_timeout": env.int("DATABASE_READ_TIMEOUT", default=60),
            "write_timeout": env.int("DATABASE_READ_TIMEOUT", default=60),
        }
    )
    # TLS to the database, with its certificate checked against this CA bundle (RDS publishes
    # one: docs/deploy.md) and its host name against the certificate.
    DATABASE_SSL_CA = env.str("DATABASE_SSL_CA", default="")
    if DATABASE_SSL_CA:
        DATABASES["default"]["OPTIONS"].update(
            {"ssl": {"ca": DATABASE_SSL_CA}, "ssl_mode": "VERIFY_IDENTITY"}
        )
    DATABASES["default"]["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Mail (verification links, password resets) through Django's email API: Amazon SES in production
# (django-ses, the instance role's credentials), files under .local/mail/ in `make run`. Django 6.1's
# MAILERS (its EMAIL_* settings are deprecated); the environment keeps the EMAIL_* names, and each
# backend gets only its own options (an unknown option is an error).
_MAIL_BACKEND = env.str("EMAIL_BACKEND", default="django_ses.SESBackend")
_MAIL_OPTIONS = {
    "django.core.mail.backends.filebased.EmailBackend": {
        "file_path": env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / ".local" / "mail")),
    },
    # SES's SMTP interface or another provider.
    "django.core.mail.backends.smtp.EmailBackend": {
        "host": env.str("EMAIL_HOST", default="localhost"),
        "port": env.int("EMAIL_PORT", default=587),
        "use_tls": env.bool("EMAIL_USE_TLS", default=True),
        "username": env.str("EMAIL_HOST_USER", default=""),
        "password": env.str("EMAIL_HOST_PASSWORD", default=""),
        "timeout": env.int("EMAIL_TIMEOUT", default=10),
    },
}
MAILERS = {"default": {"BACKEND": _MAIL_BACKEND, "OPTIONS": _MAIL_OPTIONS.get(_MAIL_BACKEND, {})}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="photoshare <no-reply@localhost>")
AWS_SES_REGION_NAME = env.str("AWS_SES_REGION_NAME", default=env.str("AWS_REGION", default="us-east-1"))
# No endpoint of our own: boto3 resolves SES's as every other client's (email.<region>.amazonaws.com,
# or AWS_ENDPOINT_URL[_SES] where set: the deploy rehearsal's moto). django-ses's default would
# pin the real one.
AWS_SES_REGION_ENDPOINT_URL = None
# django-ses's throttle asks SES for the send quota (ses:GetSendQuota, which IAM cannot scope to an
# identity) before each mail; the site sends a few rate-limited mails, so it only sends (SendRawEmail).
AWS_SES_AUTO_THROTTLE = None
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 3600)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "gallery:home"
LOGOUT_REDIRECT_URL = "gallery:home"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    # Username or email and password, with allauth's per-account lockout of failed logins.
    "allauth.account.auth_backends.AuthenticationBackend",
]

# --- Accounts (django-allauth; accounts/adapter.py and accounts/forms.py adjust it) ------------
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# allauth's EmailAddress declares conditional unique constraints (one verified owner of an address,
# one primary address a user), which MySQL/MariaDB cannot create (models.W036). allauth checks both
# in code before it writes; the race that is left is in docs/security.md (residual risks).
SILENCED_SYSTEM_CHECKS = ["models.W036"]
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm", "reset_password": "accounts.forms.ResetPasswordForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
# Mandatory: a new account signs in once its address is confirmed. Only then can a sign-up with a
# taken address answer exactly like any other ("check your mail"), the mail telling what happened.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True  # among confirmed addresses (accounts.forms.SignupForm)
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = env.int("PHOTOSHARE_EMAIL_VERIFY_DAYS", default=3)
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a mail scanner following the link confirms nothing
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_NOTIFICATIONS = True  # password changed, address changed: the old address is told
ACCOUNT_CHANGE_EMAIL = True  # one address per account, replaced once the new one is confirmed
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False  # this browser stays in; the others and the tokens end
ACCOUNT_SESSION_REMEMBER = True  # sessions last as before (no "Remember me" box)
ACCOUNT_EMAIL_SUBJECT_PREFIX = "photoshare: "
ACCOUNT_SIGNUP_REDIRECT_URL = "gallery:upload"
USERSESSIONS_TRACK_ACTIVITY = False  # a write per request otherwise

# --- Second factors (allauth.mfa): TOTP with recovery codes, passkeys (WebAuthn) ---------------
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# "Sign in with a passkey" on the login page; a passkey made there counts as both factors.
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_FORMS = {"add_webauthn": "accounts.forms.AddPasskeyForm"}
MFA_TOTP_ISSUER = env.str("PHOTOSHARE_TOTP_ISSUER", default="photoshare")
# The relying party is the host the browser asked for (allauth: request.get_host(), which
# ALLOWED_HOSTS vets) and the origin must be https on it. Only a local run over plain http
# (`make run`, the browser tests on http://localhost) may accept any origin.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=False)
if MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN and not DEBUG:
    # Any origin's passkey answer would do: a phishing page's too.
    raise ImproperlyConfigured("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN is for a local run (DJANGO_DEBUG=1) only")

# English unless the browser (Accept-Language), the language cookie or the account asks for Korean.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ko", "한국어")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- AWS -------------------------------------------------------------------------------------
AWS_REGION = env.str("AWS_REGION", default="us-east-1")
# Explicit timeouts and boto3's standard retry mode (backoff on throttling), shared by S3 and DynamoDB.
AWS_CLIENT_CONFIG = BotocoreConfig(
    region_name=AWS_REGION,
    connect_timeout=env.float("AWS_CONNECT_TIMEOUT", default=3.0),
    read_timeout=env.float("AWS_READ_TIMEOUT", default=10.0),
    # total_max_attempts counts the first try; botocore's "max_attempts" would count retries only.
    retries={"mode": "standard", "total_max_attempts": env.int("AWS_MAX_ATTEMPTS", default=3)},
)

# botocore checks every DynamoDB request against the service model before sending it: ~4 % of a
# photo page. Off in production (DynamoDB refuses a bad request all the same), on in the tests
# (moto is laxer than DynamoDB: the local check catches a malformed request there).
AWS_VALIDATE_DYNAMODB_REQUESTS = env.bool("AWS_VALIDATE_DYNAMODB_REQUESTS", default=DEBUG)

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="photoshare-local")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
# Presigned GET URLs keep the bucket private; their lifetime in seconds.
AWS_QUERYSTRING_EXPIRE = env.int("AWS_QUERYSTRING_EXPIRE", default=3600)
# A CDN (e.g. CloudFront) or public-read bucket in front of the media: plain, cacheable URLs
# instead of presigned ones. Trade-off in docs/architecture.md ("Serving media").
AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default=None)
PHOTOSHARE_PUBLIC_MEDIA = env.bool("PHOTOSHARE_PUBLIC_MEDIA", default=bool(AWS_S3_CUSTOM_DOMAIN))
# Media URLs are reused for half their lifetime (gallery_tags.media_url). A cache of their own, so
# 48 URLs a page never evict anything else; a shared one (e.g. redis://...) gives every worker
# the same URLs, hence more browser cache hits.
PHOTOSHARE_MEDIA_URL_CACHE = "media-urls"
PHOTOSHARE_CARD_CACHE = "cards"
PHOTOSHARE_LIST_CACHE = "list-pages"
# gallery/storage/dynamodb/listcache.py: a page read this soon after the newest write is not kept (the
# lists index is eventually consistent). The tests' moto index is immediately consistent: 0 there.
PHOTOSHARE_LIST_INDEX_LAG_SECONDS = env.float("PHOTOSHARE_LIST_INDEX_LAG_SECONDS", default=2.0)
# How long a process trusts the list pages' generation it read (listcache): 0 asks the cache once a
# request (every write, anywhere, shows on the next page); 1 saves that round trip on most pages,
# and a write from another process or instance may then take up to 1 s to show (this process's own
# writes still show at once, and a browser's own, by a cookie: gallery/web/list_writes.py).
PHOTOSHARE_LIST_GENERATION_SECONDS = env.float("PHOTOSHARE_LIST_GENERATION_SECONDS", default=0.0)

STORAGES = {
    "default": {
        # S3Storage that sets each object's Content-Type and Content-Disposition from its key.
        "BACKEND": "gallery.storage.s3.backend.PhotoStorage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "region_name": AWS_REGION,
            # django-storages ignores its signature_version option when given a client_config:
            # without this, presigned URLs would be SigV2, which S3 refuses for new buckets.
            "client_config": AWS_CLIENT_CONFIG.merge(BotocoreConfig(signature_version="s3v4")),
            "querystring_auth": not PHOTOSHARE_PUBLIC_MEDIA,
            "custom_domain": AWS_S3_CUSTOM_DOMAIN,
            "querystring_expire": AWS_QUERYSTRING_EXPIRE,
            # Keys are built from a fresh photo id, so no HEAD-before-PUT is needed.
            "file_overwrite": True,
            "default_acl": None,
            # One PUT per object up to this size (uploads are far below it); the local stack's
            # recorder cannot replay multipart uploads.
            "transfer_config": TransferConfig(multipart_threshold=64 * 1024 * 1024),
        },
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DYNAMODB_TABLE_NAME = env.str("DYNAMODB_TABLE_NAME", default="photoshare-photos")
DYNAMODB_ENDPOINT_URL = env.str("DYNAMODB_ENDPOINT_URL", default=None)

# --- Uploads straight to S3, renditions by the worker (gallery.storage.sqs, docs/architecture.md) ----
SQS_ENDPOINT_URL = env.str("SQS_ENDPOINT_URL", default=None)
PHOTOSHARE_JOBS_QUEUE = env.str("PHOTOSHARE_JOBS_QUEUE", default="photoshare-jobs")
# How long `manage.py worker` waits on the queue in one receive (SQS long poll, 1 to 20 s): a
# stopping worker finishes its wait first. The tests use 1 s, so their workers stop at once.
PHOTOSHARE_JOBS_WAIT_SECONDS = env.int("PHOTOSHARE_JOBS_WAIT_SECONDS", default=20)
# Above the longest job (a 20 MB, 50 MP original: download, decode, three PUTs, ~5 s) with room
# for a slow S3: a message is handed out again only once its worker is surely gone.
PHOTOSHARE_JOB_VISIBILITY_TIMEOUT = env.int("PHOTOSHARE_JOB_VISIBILITY_TIMEOUT", default=300)
# Deliveries of one message before it moves to the dead-letter queue (the last marks the photo failed).
PHOTOSHARE_JOB_MAX_RECEIVES = env.int("PHOTOSHARE_JOB_MAX_RECEIVES", default=5)
# Lifetime in seconds of a presigned upload POST (POST /api/uploads/).
PHOTOSHARE_UPLOAD_URL_EXPIRE = env.int("PHOTOSHARE_UPLOAD_URL_EXPIRE", default=600)
# Site origins whose pages POST files to the bucket (its CORS rule; init_aws sets it locally).
PHOTOSHARE_UPLOAD_ORIGINS = env.list(
    "PHOTOSHARE_UPLOAD_ORIGINS", default=["http://127.0.0.1:8000", "http://localhost:8000"]
)
# Uploads never completed are deleted by the bucket's lifecycle rule on uploads/ after this many days.
PHOTOSHARE_UPLOAD_RETENTION_DAYS = env.int("PHOTOSHARE_UPLOAD_RETENTION_DAYS", default=1)
# The site's address in mails sent by jobs (the notifications' digest), which have no request.
PHOTOSHARE_SITE_URL = env.str("PHOTOSHARE_SITE_URL", default="http://localhost:8000").rstrip("/")
# Days a deleted photo stays in its owner's trash (restorable) before the worker's purge.
PHOTOSHARE_TRASH_DAYS = env.int("PHOTOSHARE_TRASH_DAYS", default=30)

# --- Photos ----------------------------------------------------------------------------------
PHOTOSHARE_MAX_UPLOAD_BYTES = env.int("PHOTOSHARE_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# Pixel bound checked from the header before any decode (decompression bombs).
PHOTOSHARE_MAX_IMAGE_PIXELS = env.int("PHOTOSHARE_MAX_IMAGE_PIXELS", default=50_000_000)
# The budget of an image decoded whole: GIF, WebP, TIFF, HEIC, a PNG not decoded in bands (JPEGs
# decode at reduced scale, other PNGs a band at a time): pixels x 6-22 bytes by format and mode
# (gallery.imaging.policy.decode_pixel_limit). 125 MB keeps a 12 MP phone HEIC (docs/benchmarks.md).
PHOTOSHARE_MAX_DECODE_BYTES = env.int("PHOTOSHARE_MAX_DECODE_BYTES", default=125_000_000)
# The long sides of the sizes made of each photo (gallery/imaging/renditions.py, which holds the rest).
PHOTOSHARE_THUMBNAIL_SIZE = env.int("PHOTOSHARE_THUMBNAIL_SIZE", default=THUMBNAIL.long_side)
PHOTOSHARE_DISPLAY_SIZE = env.int("PHOTOSHARE_DISPLAY_SIZE", default=DISPLAY.long_side)
PHOTOSHARE_PAGE_SIZE = env.int("PHOTOSHARE_PAGE_SIZE", default=24)
PHOTOSHARE_MAX_TITLE_LENGTH = env.int("PHOTOSHARE_MAX_TITLE_LENGTH", default=200)
PHOTOSHARE_MAX_DESCRIPTION_LENGTH = env.int("PHOTOSHARE_MAX_DESCRIPTION_LENGTH", default=5000)
PHOTOSHARE_MAX_TAGS = env.int("PHOTOSHARE_MAX_TAGS", default=20)
PHOTOSHARE_MAX_TAG_LENGTH = env.int("PHOTOSHARE_MAX_TAG_LENGTH", default=50)
# API tokens a user may hold at once (accounts.forms.TokenForm).
PHOTOSHARE_MAX_API_TOKENS = env.int("PHOTOSHARE_MAX_API_TOKENS", default=20)
PHOTOSHARE_MAX_COMMENT_LENGTH = env.int("PHOTOSHARE_MAX_COMMENT_LENGTH", default=2000)
# Entries a follower's feed keeps; the fan-out job deletes older ones (docs/architecture.md).
PHOTOSHARE_FEED_MAX_ENTRIES = env.int("PHOTOSHARE_FEED_MAX_ENTRIES", default=1000)

# Uploads larger than this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The first handler stops reading a file as soon as it passes PHOTOSHARE_MAX_UPLOAD_BYTES.
FILE_UPLOAD_HANDLERS = [
    "gallery.web.body_limits.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# The body of any request but an upload (forms, JSON: gallery.web.body_limits.RequestBodyLimitMiddleware);
# an upload may carry one photo on top. The largest request (nginx's limit is derived from it).
PHOTOSHARE_MAX_FORM_BYTES = env.int("PHOTOSHARE_MAX_FORM_BYTES", default=1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = PHOTOSHARE_MAX_UPLOAD_BYTES + PHOTOSHARE_MAX_FORM_BYTES
# One file part per request: a second one is refused before it is read.
DATA_UPLOAD_MAX_NUMBER_FILES = 1

# --- Rate limits ("<count>/<period>", period s, m, h or d, optionally with a number: "10/5m") -
# Stored photos per user (failed uploads give their place back) and upload POSTs per IP.
PHOTOSHARE_UPLOAD_QUOTA = env.str("PHOTOSHARE_UPLOAD_QUOTA", default="500/d")
PHOTOSHARE_UPLOAD_BURST_RATE = env.str("PHOTOSHARE_UPLOAD_BURST_RATE", default="120/10m")
PHOTOSHARE_COMMENT_RATE = env.str("PHOTOSHARE_COMMENT_RATE", default="20/10m")
PHOTOSHARE_REPORT_RATE = env.str("PHOTOSHARE_REPORT_RATE", default="20/h")
# The account pages' limits are allauth's (ACCOUNT_RATE_LIMITS, counted in the default cache);
# these three set its rates. Failed logins per IP and per account (username or address).
PHOTOSHARE_LOGIN_RATE = env.str("PHOTOSHARE_LOGIN_RATE", default="10/5m")
# The per-account count spares browsers that logged in as the account before: each has its own
# (a signed device cookie, accounts/devices.py), valid this many days after its last login.
PHOTOSHARE_DEVICE_COOKIE_DAYS = env.int("PHOTOSHARE_DEVICE_COOKIE_DAYS", default=180)
PHOTOSHARE_SIGNUP_RATE = env.str("PHOTOSHARE_SIGNUP_RATE", default="5/h")  # per IP
# Password-reset requests per IP and per address.
PHOTOSHARE_PASSWORD_RESET_RATE = env.str("PHOTOSHARE_PASSWORD_RESET_RATE", default="5/h")
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"{PHOTOSHARE_LOGIN_RATE}/ip,{PHOTOSHARE_LOGIN_RATE}/key",
    "signup": f"{PHOTOSHARE_SIGNUP_RATE}/ip",
    "reset_password": f"{PHOTOSHARE_PASSWORD_RESET_RATE}/ip,{PHOTOSHARE_PASSWORD_RESET_RATE}/key",
}
# How many reverse proxies (nginx, a load balancer) append to X-Forwarded-For in front of the app;
# 0 means clients connect directly and REMOTE_ADDR is their address.
PHOTOSHARE_TRUSTED_PROXY_COUNT = env.int("PHOTOSHARE_TRUSTED_PROXY_COUNT", default=0)
# Rate-limit counters live here. The default is per process, for a single-process local run only;
# with several workers or machines use Redis (ElastiCache in production),
# DJANGO_CACHE_URL=redis://host:6379/0: its INCR is atomic, so concurrent hits all count.
CACHES = {
    "default": env.cache_url("DJANGO_CACHE_URL", default="locmemcache://"),
    # The site's own caches: keys this code builds, not checked for memcached (photoshare/caches.py).
    PHOTOSHARE_MEDIA_URL_CACHE: own_keys(
        env.cache_url("PHOTOSHARE_MEDIA_URL_CACHE_URL", default="locmemcache://media-urls?max_entries=20000")
    ),
    # Rendered photo cards, keyed on their whole content (gallery/templatetags/gallery_tags.py):
    # ~1.5 KB each, so the default bounds a worker's share at ~3 MB.
    PHOTOSHARE_CARD_CACHE: own_keys(
        env.cache_url("PHOTOSHARE_CARD_CACHE_URL", default="locmemcache://cards?max_entries=2000")
    ),
    # List pages until the next write (gallery/storage/dynamodb/listcache.py). Only a cache that every
    # process and instance shares will do (Redis: ElastiCache); off by default.
    PHOTOSHARE_LIST_CACHE: own_keys(env.cache_url("PHOTOSHARE_LIST_CACHE_URL", default="dummycache://")),
}

# django-environ drops a key_prefix given in a redis:// URL (it lower-cases it), hence its own variable.
CACHES["default"]["KEY_PREFIX"] = env.str("DJANGO_CACHE_KEY_PREFIX", default="")
CACHES[PHOTOSHARE_LIST_CACHE]["KEY_PREFIX"] = CACHES["default"]["KEY_PREFIX"] + "lists"

# --- Static files ----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static", NINJA_DIR / "static"]

# --- Security (HTTPS by default unless DEBUG; `manage.py check --deploy` passes) ---------------
# Behind nginx or a load balancer that terminates TLS and sets X-Forwarded-Proto.
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# Health checks from a load balancer come over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/live)?$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Pages load scripts, styles and fonts from this site only, images also from the media storage and
# the upload page POSTs to the bucket (gallery.web.csp adds their origins); no inline script or style
# in any template. An inline one would need the request's nonce (CSP.NONCE: in the header only on a
# page whose template used {{ csp_nonce }}). PHOTOSHARE_CSP_REPORT_ONLY sends it as
# Content-Security-Policy-Report-Only instead (to trial a change).
PHOTOSHARE_CSP_REPORT_ONLY = env.bool("PHOTOSHARE_CSP_REPORT_ONLY", default=False)
# The owner's map (/me/map/): its tile server (a Leaflet URL template) and the attribution its
# licence asks for. Its origin is the only other one images may come from (the CSP's img-src;
# a "{s}" subdomain placeholder allows any subdomain).
PHOTOSHARE_MAP_TILE_URL = env.str(
    "PHOTOSHARE_MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
PHOTOSHARE_MAP_ATTRIBUTION = env.str("PHOTOSHARE_MAP_ATTRIBUTION", default="© OpenStreetMap contributors")
PHOTOSHARE_MAP_TILE_ORIGIN = "{0.scheme}://{0.netloc}".format(
    urlsplit(PHOTOSHARE_MAP_TILE_URL.replace("{s}", "*"))
)
_CSP_POLICY = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    # The map's tile server too (PHOTOSHARE_MAP_TILE_ORIGIN, from its URL template).
    "img-src": [CSP.SELF, "data:", PHOTOSHARE_MAP_TILE_ORIGIN],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CSP = {} if PHOTOSHARE_CSP_REPORT_ONLY else _CSP_POLICY
SECURE_CSP_REPORT_ONLY = _CSP_POLICY if PHOTOSHARE_CSP_REPORT_ONLY else {}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "gallery.web.requestid.RequestIdFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"botocore": {"level": "WARNING"}, "urllib3": {"level": "WARNING"}},
}

# Zip downloads (gallery.domain.archives): a download of more bytes or photos than these is built
# by the worker into S3 (202 and a status URL) instead of streaming in the request.
PHOTOSHARE_DOWNLOAD_INLINE_MAX_BYTES = env.int(
    "PHOTOSHARE_DOWNLOAD_INLINE_MAX_BYTES", default=500 * 1024 * 1024
)
PHOTOSHARE_DOWNLOAD_INLINE_MAX_PHOTOS = env.int("PHOTOSHARE_DOWNLOAD_INLINE_MAX_PHOTOS", default=200)
# How long an archive the worker built (a large download, a data export) can be fetched: the
# presigned link's lifetime; the bucket's lifecycle rule removes archives/ a day after that.
PHOTOSHARE_ARCHIVE_LINK_SECONDS = env.int("PHOTOSHARE_ARCHIVE_LINK_SECONDS", default=24 * 3600)
# The most photos one download request may name (a selection's form or JSON list).
PHOTOSHARE_MAX_DOWNLOAD_PHOTOS = env.int("PHOTOSHARE_MAX_DOWNLOAD_PHOTOS", default=1000)
