# The action server: only rasa-sdk and what the actions import, not the whole of Rasa.
# requirements/actions.lock is locked against the bot environment's lock, so the versions are
# those the tests run (tests/production/test_locks.py checks).
# Build from the repository root: docker build -f docker/actions.Dockerfile .
FROM python:3.10-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements/actions.lock /tmp/actions.lock
RUN /opt/venv/bin/pip install pip==24.0 \
 && /opt/venv/bin/pip install --require-hashes --no-deps -r /tmp/actions.lock && /opt/venv/bin/pip check

FROM python:3.10-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    RASA_TELEMETRY_ENABLED=false
RUN useradd --system --uid 10001 --create-home --home-dir /home/signpost signpost
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY actions actions
# The shared vocabulary (areas, categories, the ranking and eligibility rules), plain Python:
# the bundled national lines are ordered by the same rules as /signpost.
COPY vocabulary vocabulary
COPY locales locales
# The knowledge base's topic files (sources, helplines named by slug); the answers' words are in
# locales/. The paraphrases are only used to train the Rasa model.
COPY knowledge knowledge
USER signpost
EXPOSE 5055
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5055/health', timeout=2)"]
CMD ["python", "-m", "rasa_sdk", "--actions", "actions", "--port", "5055"]
