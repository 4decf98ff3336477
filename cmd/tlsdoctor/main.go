// Command tlsdoctor tells why a TLS handshake fails, for the client you care
// about, and exactly what fixes it. See 'tlsdoctor help'.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/tlsdoctor/tlsdoctor/internal/cli"

	// The embedded Mozilla roots, used when the system has no trust store.
	_ "golang.org/x/crypto/x509roots/fallback"
)

func main() {
	ctx, _ := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	os.Exit(cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
