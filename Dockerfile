# folio serve in a container: builds the static binary (Swift's runtime linked in) and runs it on a library
# mounted at /library. Not built or run on the machine this was written on (it has no Docker engine);
# see docs/serve.md, "In a container".
#
#   docker build -t folio .
#   docker run --rm -v "$PWD/prompts:/library" folio serve token add ci --role read   # once: a token, printed once
#   docker run -d -p 8080:8080 -v "$PWD/prompts:/library" \
#     -e GIT_AUTHOR_NAME=folio-server -e GIT_AUTHOR_EMAIL=folio@example.com \
#     -e GIT_COMMITTER_NAME=folio-server -e GIT_COMMITTER_EMAIL=folio@example.com \
#     folio serve --host 0.0.0.0 --port 8080 --public-host prompts.example.com --log-format json

FROM swift:6.3-bookworm AS build
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      libgit2-dev libyaml-dev libsqlite3-dev libcurl4-openssl-dev pkg-config >/dev/null
WORKDIR /src
COPY Package.swift ./
COPY Sources Sources
COPY templates templates
COPY hooks hooks
RUN swift build -c release --product folio --static-swift-stdlib \
 && install -D "$(swift build -c release --show-bin-path)/folio" /out/folio

FROM debian:bookworm-slim
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      libgit2-1.5 libyaml-0-2 libsqlite3-0 libcurl4 ca-certificates >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /home/folio folio
COPY --from=build /out/folio /usr/local/bin/folio
USER folio
WORKDIR /library
# The mounted library belongs to another user: git's safe.directory check (docs/decisions/0009) would refuse it.
RUN printf '[safe]\n\tdirectory = /library\n' > /home/folio/.gitconfig
ENV FOLIO_LIBRARY=/library
EXPOSE 8080
STOPSIGNAL SIGTERM
ENTRYPOINT ["folio"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
