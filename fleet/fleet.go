// Package fleet runs checks: one target for one client (Check), one target
// for every client profile (Clients), and, later, many targets. It is the one
// place that ties probe (observe) to diagnose (judge), so that the command
// line, a scan, the web page and the exporter give the same verdict for the
// same target.
package fleet

import (
	"context"
	"crypto/x509"
	"errors"
	"os"
	"sync"

	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/probe"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

// Trust is the trust store a diagnosis judges with, as functions so that
// the system store is loaded only when a chain is judged.
type Trust struct {
	Roots     func() *x509.CertPool
	RootCerts func() []*x509.Certificate
}

// SystemTrust is the system trust store as Go loads it (SSL_CERT_FILE and
// SSL_CERT_DIR honoured); when the system has none, the Fallback roots.
var SystemTrust = Trust{Roots: systemRoots, RootCerts: systemRootCerts}

// Fallback gives the roots trusted when the system has none, as a pool and
// as certificates (cmd/tlsdoctor sets it to the embedded Mozilla roots). It
// is called only then, so that a process that never judges a chain
// against the system store does not parse it.
var Fallback func() (*x509.CertPool, []*x509.Certificate)

var fallback = sync.OnceValues(func() (*x509.CertPool, []*x509.Certificate) {
	if Fallback == nil {
		return nil, nil
	}
	return Fallback()
})

var systemRoots = sync.OnceValue(func() *x509.CertPool {
	p, err := x509.SystemCertPool()
	return chooseRoots(p, err, fallback)
})

// chooseRoots is the system pool when it holds roots, else the fallback's.
func chooseRoots(p *x509.CertPool, err error, fallback func() (*x509.CertPool, []*x509.Certificate)) *x509.CertPool {
	if err == nil && p != nil && !p.Equal(x509.NewCertPool()) {
		return p
	}
	if fp, _ := fallback(); fp != nil {
		return fp
	}
	if p == nil {
		return x509.NewCertPool()
	}
	return p
}

// systemRootCerts lists the system roots from the bundle files Go reads
// (SSL_CERT_FILE, else the usual Linux locations), for path building only.
var systemRootCerts = sync.OnceValue(func() []*x509.Certificate {
	files := []string{"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem", "/etc/pki/tls/cacert.pem", "/etc/ssl/cert.pem"}
	if f := os.Getenv("SSL_CERT_FILE"); f != "" {
		files = []string{f}
	}
	for _, f := range files {
		if certs, err := LoadCertificates(f); err == nil {
			return certs
		}
	}
	if fp, certs := fallback(); fp != nil && systemRoots() == fp {
		return certs
	}
	return nil
})

func (t Trust) options(p *profile.Profile) diagnose.Options {
	return diagnose.Options{Profile: p, SystemRoots: t.Roots, SystemRootCerts: t.RootCerts}
}

// Check probes target as opts.Profile and diagnoses the run with trust.
// The error is non-nil only when the options are unusable (see probe.Run);
// every network failure is a verdict.
func Check(ctx context.Context, target evidence.Target, opts probe.Options, trust Trust) (*evidence.Run, *diagnose.Diagnosis, error) {
	if opts.Profile == nil {
		return nil, nil, errors.New("fleet: no profile")
	}
	run, err := probe.Run(ctx, target, opts)
	if err != nil {
		return nil, nil, err
	}
	return run, Diagnose(run, opts.Profile, trust), nil
}

// Diagnose judges a recorded run for p, with what p logs for the cause.
func Diagnose(run *evidence.Run, p *profile.Profile, trust Trust) *diagnose.Diagnosis {
	d := diagnose.Run(run, trust.options(p))
	d.ClientLog = p.Logs[d.Cause]
	return d
}
