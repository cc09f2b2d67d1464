# statuscodes: gunicorn + WhiteNoise on a slim Python image, running as a non-root user.
# A pinned release: a rebuild next month gets the same Python and Debian, not whatever is newest.
FROM python:3.11.14-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PORT=8000 \
    DATABASE_URL=sqlite:////data/db.sqlite3

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Static files are collected at build time; the key only satisfies settings for this one step.
# The code and static files stay root's: the app cannot rewrite what it serves. Only /data, where
# the SQLite database lives, is the app's.
RUN DJANGO_SECRET_KEY=build-only-not-used-at-runtime python manage.py collectstatic --noinput \
    && useradd --create-home --uid 10001 app \
    && mkdir /data && chown app:app /data

# Admin edits live in the database: without a volume here they would vanish with the container.
# Mount one (docker run -v statuscodes-data:/data ...), or set DATABASE_URL to PostgreSQL.
VOLUME ["/data"]

USER app
EXPOSE 8000

# Readiness: /healthz is 200 only when the database answers and holds the content, and it
# answers whatever Host the probe sends (DJANGO_ALLOWED_HOSTS need not list 127.0.0.1).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=4)"

# Migrate and load content at start (one instance at a time: prepare_database holds a lock on
# PostgreSQL), then hand the process over to gunicorn.
CMD ["sh", "-c", "python manage.py prepare_database && exec gunicorn statuscodes.wsgi:application --config gunicorn.conf.py"]
