# chat-server container image: build with the Swift toolchain, run on a slim Debian.
#
#   docker build -t chat-server .
#   docker run --rm -p 50051:50051 chat-server
#   grpcurl -plaintext localhost:50051 list
#
# The server listens on $PORT (Cloud Run sets it to 8080), else 50051, speaks HTTP/2 cleartext
# (h2c), logs JSON lines on standard output and stops gracefully on SIGTERM (k8s/ README).

# Build stage: Debian 12 (bookworm) with Swift 6, the toolchain this project is developed with.
ARG SWIFT_IMAGE=swift:6.3-bookworm
FROM ${SWIFT_IMAGE} AS build

# nghttp2's and hiredis's headers (the CNGHTTP2 and CHiredis system library targets; hiredis
# parses and formats Redis's protocol for rooms shared through Redis), zlib's, and pkg-config
# to find them; the manifest also declares libprotobuf-c's target (tests and benchmarks only).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       libnghttp2-dev libhiredis-dev zlib1g-dev libprotobuf-c-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# Dependencies first, so that a source change does not fetch them again.
# (Package.* takes Package.resolved too when there is one.)
COPY Package.* ./
RUN swift package resolve

# Every folder the manifest names must exist, tests and benchmarks included.
COPY Protos/ Protos/
COPY Plugins/ Plugins/
COPY Sources/ Sources/
COPY Tests/ Tests/
COPY Benchmarks/ Benchmarks/

# Release build of the one product; the Swift runtime and Foundation are linked statically, so
# the runtime image needs only the C libraries.
RUN swift build -c release --product chat-server --static-swift-stdlib \
    && install -D -m 0755 "$(swift build -c release --show-bin-path)/chat-server" \
       /out/usr/local/bin/chat-server

# Runtime stage: the shared libraries of nghttp2, hiredis and zlib, and the C++ runtime that the
# static Swift runtime uses; ca-certificates for rediss:// to a Redis with a public CA.
FROM debian:bookworm-slim

RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       libnghttp2-14 libhiredis0.14 zlib1g libstdc++6 ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/*

COPY --from=build /out/ /

# No root needed: the default port is above 1024. 65532 matches runAsUser in k8s/deployment.yaml.
USER 65532:65532
EXPOSE 50051
# chat-server treats SIGTERM (the default stop signal) as "drain, then exit 0".
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/chat-server"]
