// Command ps-action gates thread pull requests on scope and merge order. It
// runs as a GitHub Action, or as a GitHub App webhook bot with `serve`; see
// `ps-action --help` and the README.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
