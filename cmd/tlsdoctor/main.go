// Command tlsdoctor tells why a TLS handshake fails, for the client you care
// about, and exactly what fixes it. See 'tlsdoctor help'.
package main

import (
	"context"
	"crypto/x509"
	"os"
	"os/signal"
	"syscall"

	"github.com/tlsdoctor/tlsdoctor/fleet"
	"github.com/tlsdoctor/tlsdoctor/internal/cli"

	// The embedded Mozilla roots, used when the system has no trust store.
	"golang.org/x/crypto/x509roots/fallback/bundle"
)

func main() {
	fleet.Fallback = mozillaRoots
	ctx, _ := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	os.Exit(cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// mozillaRoots parses the embedded Mozilla roots, as
// golang.org/x/crypto/x509roots/fallback does at start-up for every
// process; here only when a chain is judged on a system without roots.
func mozillaRoots() (*x509.CertPool, []*x509.Certificate) {
	p := x509.NewCertPool()
	var certs []*x509.Certificate
	for c := range bundle.Roots() {
		cert, err := x509.ParseCertificate(c.Certificate)
		if err != nil {
			continue
		}
		if c.Constraint == nil {
			p.AddCert(cert)
		} else {
			p.AddCertWithConstraint(cert, c.Constraint)
		}
		certs = append(certs, cert)
	}
	return p, certs
}
