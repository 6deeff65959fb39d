# The triage assistant: Rasa 3.6.21 with the model trained from this repository's bot/
# during the build (the same command as scripts/train-bot.sh), run as an unprivileged user
# through bot/run_rasa.py (bounded action wait, redacted logs). No HTTP API, no telemetry.
# Build from the repository root: docker build -f docker/rasa.Dockerfile .
FROM python:3.10-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 RASA_TELEMETRY_ENABLED=false
RUN python -m venv /opt/venv
# The bot environment's lock, hash-checked, as scripts/setup.sh installs it.
COPY requirements/bot.lock /tmp/bot.lock
RUN /opt/venv/bin/pip install pip==24.0 \
 && /opt/venv/bin/pip install --require-hashes --no-deps -r /tmp/bot.lock && /opt/venv/bin/pip check
WORKDIR /bot
COPY bot/config.yml bot/credentials.yml bot/endpoints.production.yml bot/run_rasa.py ./
COPY bot/domain domain
COPY bot/data data
COPY bot/components components
COPY bot/channels channels
COPY bot/stores stores
RUN /opt/venv/bin/rasa train --config config.yml --domain domain --data data \
      --out models --fixed-model-name signpost

FROM python:3.10-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    RASA_TELEMETRY_ENABLED=false
RUN useradd --system --uid 10001 --create-home --home-dir /home/signpost signpost
COPY --from=build /opt/venv /opt/venv
WORKDIR /bot
COPY --from=build /bot/models/signpost.tar.gz models/signpost.tar.gz
COPY bot/credentials.yml bot/endpoints.production.yml bot/run_rasa.py ./
COPY bot/components components
COPY bot/channels channels
COPY bot/stores stores
USER signpost
EXPOSE 5005
HEALTHCHECK --interval=15s --timeout=3s --start-period=180s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5005/webhooks/signpost/', timeout=2)"]
# Listens on the compose network only (never published); the gateway is the only way in.
CMD ["python", "run_rasa.py", "run", "--interface", "0.0.0.0", "--port", "5005", \
     "--model", "models/signpost.tar.gz", "--endpoints", "endpoints.production.yml", \
     "--credentials", "credentials.yml"]
