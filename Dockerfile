# policywatch in a container: `docker build -t policywatch .`, then see README "Container".
FROM python:3.11-slim
WORKDIR /opt/policywatch
COPY pyproject.toml README.md ./
COPY crawler crawler
COPY storage storage
COPY diffing diffing
COPY policywatch policywatch
COPY config config
RUN pip install --no-cache-dir . && useradd --system --home /data policywatch && mkdir -p /data \
    && chown policywatch /data
USER policywatch
ENV POLICYWATCH_DATABASE_URL=sqlite:////data/policywatch.db
VOLUME /data
EXPOSE 8000
CMD ["policywatch", "run"]
