# policywatch in a container: `docker build -t policywatch .`, then see README "Container".
FROM python:3.11-slim
WORKDIR /opt/policywatch
COPY pyproject.toml README.md ./
COPY crawler crawler
COPY storage storage
COPY diffing diffing
COPY policywatch policywatch
COPY config config
# --build-arg BROWSER=1: Debian's Chromium and the browser extra, for script-built policies
# (README "Script-built pages"); the default image stays small and records needs-browser.
ARG BROWSER=0
RUN if [ "$BROWSER" = 1 ]; then apt-get update && apt-get install -y --no-install-recommends \
      chromium && rm -rf /var/lib/apt/lists/*; fi
RUN if [ "$BROWSER" = 1 ]; then pip install --no-cache-dir '.[browser]'; \
    else pip install --no-cache-dir .; fi && useradd --system --home /data policywatch && mkdir -p /data \
    && chown policywatch /data
USER policywatch
ENV POLICYWATCH_DATABASE_URL=sqlite:////data/policywatch.db
VOLUME /data
EXPOSE 8000
CMD ["policywatch", "run"]
