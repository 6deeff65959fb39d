# The action server: only rasa-sdk and what the actions import, not the whole of Rasa.
# Versions are those of the bot environment (tests/production/test_containers.py checks).
# Build from the repository root: docker build -f docker/actions.Dockerfile .
FROM python:3.10-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY docker/requirements-actions.txt /tmp/requirements-actions.txt
RUN /opt/venv/bin/pip install -r /tmp/requirements-actions.txt

FROM python:3.10-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    RASA_TELEMETRY_ENABLED=false
RUN useradd --system --uid 10001 --create-home --home-dir /home/signpost signpost
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY actions actions
COPY locales locales
USER signpost
EXPOSE 5055
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5055/health', timeout=2)"]
CMD ["python", "-m", "rasa_sdk", "--actions", "actions", "--port", "5055"]
