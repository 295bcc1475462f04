# ps-action, the GitHub Action. Two stages: a Go builder, and a static
# runtime with CA certificates that runs as root, as Docker actions must.
ARG GO_IMAGE=golang:1.26-bookworm
ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12

FROM ${GO_IMAGE} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/ps-action ./cmd/action

FROM ${RUNTIME_IMAGE}
COPY --from=build /out/ps-action /ps-action
ENTRYPOINT ["/ps-action"]
