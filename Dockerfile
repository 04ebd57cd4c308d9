# kombitbot service image. NOT built or run on the development machine (no Docker engine
# there); see docs/deployment.md for what has and has not been tried.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=3978 \
    LOG_FORMAT=json

WORKDIR /app
RUN useradd --create-home --uid 10001 kombitbot

# Dependencies first (pinned by constraints.txt) so code changes reuse the layer.
COPY pyproject.toml constraints.txt README.md ./
COPY app.py ./
COPY bot ./bot
COPY dialogs ./dialogs
COPY store ./store
COPY notifications ./notifications
COPY kombitbot ./kombitbot
COPY manifest ./manifest
RUN pip install --no-cache-dir -c constraints.txt . \
    && python -m compileall -q /usr/local/lib/python3.11/site-packages

USER kombitbot
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:3978/healthz').status != 200)"
CMD ["python", "app.py"]
