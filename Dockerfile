# kombitbot service image. Not built on the development machine (it has no Docker engine); the
# entry command was run there as an unprivileged user in a read-only copy of the tree, with the
# database on a writable /data (see docs/deployment.md).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=3978 \
    LOG_FORMAT=json \
    DATABASE_URL=sqlite:////data/kombitbot.sqlite3

WORKDIR /app
RUN useradd --create-home --uid 10001 kombitbot \
    && mkdir /data && chown kombitbot:kombitbot /data

# Dependencies first (pinned by constraints.txt), read from pyproject.toml, so that a change to
# the code alone reuses this layer.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install --no-cache-dir -c constraints.txt -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY README.md app.py ./
COPY bot ./bot
COPY dialogs ./dialogs
COPY store ./store
COPY notifications ./notifications
COPY kombitbot ./kombitbot
COPY manifest ./manifest
RUN pip install --no-cache-dir --no-deps . \
    && python -m compileall -q /usr/local/lib/python3.11/site-packages

# The embedded SQLite database lives here; mount a volume, or set DATABASE_URL to PostgreSQL.
VOLUME ["/data"]
USER kombitbot
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:3978/healthz').status != 200)"
CMD ["python", "app.py"]
