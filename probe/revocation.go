package probe

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tlsdoctor/tlsdoctor/evidence"
	"golang.org/x/crypto/ocsp"
)

// KindNoIssuer marks an OCSP request that could not be built for want of
// the issuer's certificate (a root in the system store, say): the client,
// which has it, is not stopped by that.
const KindNoIssuer = "no_issuer"

// Bounds of the revocation fetches.
const (
	MaxOCSPSize          = 64 << 10 // one OCSP response
	MaxCRLSize           = 10 << 20 // one CRL (large CAs publish multi-megabyte CRLs)
	maxRevocationFetches = 8
)

// fetchRevocation asks, for the certificates the client's policy checks
// (the leaf, and the intermediates when it checks the chain), the OCSP
// responders and CRL distribution points their certificates name, over
// plain HTTP as clients do. It fetches only what the policy (or
// --revocation) calls for; the responses are recorded raw for diagnose.
func fetchRevocation(ctx context.Context, run *evidence.Run, opts *Options) {
	pol, ok := opts.Profile.Revocation.Effective(opts.Revocation)
	if !ok || !pol.Online() {
		return
	}
	client := opts.httpClient()
	var extra []*x509.Certificate
	for _, a := range run.AIA {
		if c, err := x509.ParseCertificate(a.Certificate); err == nil {
			extra = append(extra, c)
		}
	}
	extra = append(extra, opts.ExtraRoots...)
	done := map[string]bool{}
	for _, f := range run.Revocation { // already fetched, for another client
		if f.Kind == "crl" {
			done["crl "+f.URL] = true
		} else {
			done[f.Kind+" "+f.URL+" "+f.Serial] = true
		}
	}
	for _, a := range run.Addresses {
		if a.Handshake == nil || len(a.Handshake.Certificates) == 0 {
			continue
		}
		var chain []*x509.Certificate
		for _, der := range a.Handshake.Certificates {
			if c, err := x509.ParseCertificate(der); err == nil {
				chain = append(chain, c)
			}
		}
		if len(chain) == 0 {
			continue
		}
		pool := append(append([]*x509.Certificate{}, chain[1:]...), extra...)
		for c := chain[0]; c != nil && !selfIssued(c); {
			issuer := findIssuer(c, pool)
			if pol.OCSP {
				if u := firstHTTP(c.OCSPServer); u != "" && !done["ocsp "+u+" "+c.SerialNumber.Text(16)] && len(run.Revocation) < maxRevocationFetches {
					done["ocsp "+u+" "+c.SerialNumber.Text(16)] = true
					run.Revocation = append(run.Revocation, fetchOCSP(ctx, client, u, c, issuer, opts))
				}
			}
			if pol.CRL {
				if u := firstHTTP(c.CRLDistributionPoints); u != "" && !done["crl "+u] && len(run.Revocation) < maxRevocationFetches {
					done["crl "+u] = true
					run.Revocation = append(run.Revocation, fetchCRL(ctx, client, u, c, opts))
				}
			}
			if !pol.Chain {
				break
			}
			c = issuer
		}
	}
}

func selfIssued(c *x509.Certificate) bool { return bytes.Equal(c.RawIssuer, c.RawSubject) }

// findIssuer returns the certificate in pool that signed c, if any.
func findIssuer(c *x509.Certificate, pool []*x509.Certificate) *x509.Certificate {
	for _, p := range pool {
		if bytes.Equal(p.RawSubject, c.RawIssuer) && c.CheckSignatureFrom(p) == nil {
			return p
		}
	}
	return nil
}

func firstHTTP(urls []string) string {
	for _, u := range urls {
		if strings.HasPrefix(strings.ToLower(u), "http://") {
			return u
		}
	}
	return ""
}

func fetchOCSP(ctx context.Context, client *http.Client, u string, c, issuer *x509.Certificate, opts *Options) evidence.RevocationFetch {
	rec := evidence.RevocationFetch{Kind: "ocsp", URL: u, For: c.Subject.String(), Serial: c.SerialNumber.Text(16)}
	start := time.Now()
	defer func() { rec.Duration = time.Since(start) }()
	if issuer == nil {
		rec.Err = &evidence.Failure{Kind: KindNoIssuer, Message: fmt.Sprintf("the issuer %q was neither sent, fetched nor given with --ca-bundle, so no OCSP request could be built", c.Issuer.String())}
		return rec
	}
	req, err := ocsp.CreateRequest(c, issuer, &ocsp.RequestOptions{Hash: crypto.SHA1})
	if err != nil {
		rec.Err = Classify(err)
		return rec
	}
	opts.progress("asking %s whether %q is revoked", u, c.Subject.CommonName)
	rec.Response, rec.Err = httpFetch(ctx, client, http.MethodPost, u, "application/ocsp-request", req, MaxOCSPSize)
	return rec
}

func fetchCRL(ctx context.Context, client *http.Client, u string, c *x509.Certificate, opts *Options) evidence.RevocationFetch {
	rec := evidence.RevocationFetch{Kind: "crl", URL: u, For: c.Subject.String(), Serial: c.SerialNumber.Text(16)}
	start := time.Now()
	opts.progress("downloading the CRL %s", u)
	rec.Response, rec.Err = httpFetch(ctx, client, http.MethodGet, u, "", nil, MaxCRLSize)
	rec.Duration = time.Since(start)
	return rec
}

// httpFetch makes one bounded request and returns the body of a 200 reply.
func httpFetch(ctx context.Context, client *http.Client, method, u, contentType string, body []byte, limit int64) ([]byte, *evidence.Failure) {
	ctx, cancel := context.WithTimeout(ctx, client.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return nil, Classify(err)
	}
	req.Header.Set("User-Agent", "tlsdoctor")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, Classify(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &evidence.Failure{Kind: KindOther, Message: fmt.Sprintf("%s %s: HTTP %s", method, u, resp.Status)}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, Classify(err)
	}
	if int64(len(data)) > limit {
		return nil, &evidence.Failure{Kind: KindTooLarge, Message: fmt.Sprintf("the response from %s exceeds %d bytes", u, limit)}
	}
	return data, nil
}
