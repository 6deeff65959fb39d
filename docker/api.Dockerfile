# The directory API and chat gateway (FastAPI), run as an unprivileged user.
# Build from the repository root: docker build -f docker/api.Dockerfile .
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /src
# The same locks as scripts/setup.sh, hash-checked: the image runs what the tests ran.
COPY requirements/api.lock requirements/build.lock /tmp/
RUN /opt/venv/bin/pip install pip==24.0 \
 && /opt/venv/bin/pip install --require-hashes --no-deps -r /tmp/api.lock -r /tmp/build.lock
COPY pyproject.toml README.md ./
COPY api api
COPY directory directory
COPY vocabulary vocabulary
RUN /opt/venv/bin/pip install --no-deps --no-build-isolation . && /opt/venv/bin/pip check

FROM python:3.11-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    SIGNPOST_ENVIRONMENT=production
RUN useradd --system --uid 10001 --create-home --home-dir /home/signpost signpost
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# The source tree itself is what runs (templates, static files, locales sit beside it).
COPY api api
COPY directory directory
COPY vocabulary vocabulary
COPY locales locales
# The knowledge base (knowledge/topics/): the staff finder shows the topics for professionals.
COPY knowledge knowledge
USER signpost
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
# Behind the reverse proxy: trust its X-Forwarded-* headers (it is the only way in).
CMD ["uvicorn", "api.main:app", "--host", "0.0.0.0", "--port", "8000", "--no-access-log", \
     "--proxy-headers", "--forwarded-allow-ips", "*"]
