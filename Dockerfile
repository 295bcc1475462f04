# ps-action, the GitHub Action and the webhook bot. Two stages: a Go
# builder, and a static runtime with CA certificates that runs as root, as
# Docker actions must. The base images are build arguments pinned by digest;
# CI builds with locally made ones (.ci/base-images), the release with these.
ARG GO_IMAGE=golang:1.26-bookworm@sha256:116d58cbd88c1297624acc6e967a060012422bacf9930927e23fb719189c6f36
ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12@sha256:d75cdd72874d4790092fcb1b058493ecf6bb5bf2b2b897045b00ff01d91843f2

FROM --platform=${BUILDPLATFORM} ${GO_IMAGE} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG TARGETOS
ARG TARGETARCH
RUN CGO_ENABLED=0 GOOS=${TARGETOS:-linux} GOARCH=${TARGETARCH:-amd64} go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/ps-action ./cmd/action

FROM ${RUNTIME_IMAGE}
COPY --from=build /out/ps-action /ps-action
USER 0:0
ENTRYPOINT ["/ps-action"]
