package probe

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/tlsdoctor/tlsdoctor/evidence"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// MaxAIASize bounds one AIA download.
const MaxAIASize = 1 << 20

// fetchAIA fetches, over plain HTTP, the caIssuers of every certificate
// whose issuer the server did not send, following fetched certificates up
// to three levels. At most 8 fetches are made.
func fetchAIA(ctx context.Context, run *evidence.Run, opts *Options) []evidence.AIA {
	var chains [][]*x509.Certificate
	for _, a := range run.Addresses {
		for _, raw := range candidateChains(a) {
			var certs []*x509.Certificate
			for _, der := range raw {
				if c, err := x509.ParseCertificate(der); err == nil {
					certs = append(certs, c)
				}
			}
			if len(certs) > 0 {
				chains = append(chains, certs)
			}
		}
	}
	client := opts.httpClient()
	// The transport lives as long as this run: its idle connections (and
	// their goroutines) must not outlive it.
	defer client.CloseIdleConnections()
	var out []evidence.AIA
	seen := map[string]bool{}
	for _, chain := range chains {
		have := append([]*x509.Certificate{}, chain...)
		for depth := 0; depth < 3 && len(out) < 8; depth++ {
			dangling := danglingCert(have)
			if dangling == nil {
				break
			}
			var next *x509.Certificate
			for _, u := range dangling.IssuingCertificateURL {
				if seen[u] || len(out) >= 8 {
					continue
				}
				seen[u] = true
				opts.progress("fetching the issuer of %q from %s", dangling.Subject.CommonName, u)
				rec := evidence.AIA{URL: u, For: dangling.Subject.String()}
				c, err := fetchIssuer(ctx, client, u)
				if err != nil {
					rec.Err = Classify(err)
					if rec.Err.Kind == KindOther {
						rec.Err.Kind = KindMalformed
					}
				} else {
					rec.Certificate = c.Raw
					next = c
				}
				out = append(out, rec)
				if next != nil {
					break
				}
			}
			if next == nil {
				break
			}
			have = append(have, next)
		}
	}
	return out
}

func candidateChains(a evidence.Address) [][][]byte {
	var out [][][]byte
	if a.Handshake != nil && len(a.Handshake.Certificates) > 0 {
		out = append(out, a.Handshake.Certificates)
	}
	if a.AltHandshake != nil && len(a.AltHandshake.Certificates) > 0 {
		out = append(out, a.AltHandshake.Certificates)
	}
	if a.Hello != nil && len(a.Hello.Certificates) > 0 {
		out = append(out, a.Hello.Certificates)
	}
	return out
}

// danglingCert returns the first certificate of chain whose issuer is not
// in chain and that is not self-issued.
func danglingCert(chain []*x509.Certificate) *x509.Certificate {
	for _, c := range chain {
		if bytes.Equal(c.RawIssuer, c.RawSubject) {
			continue
		}
		found := false
		for _, p := range chain {
			if bytes.Equal(p.RawSubject, c.RawIssuer) && p != c {
				found = true
				break
			}
		}
		if !found {
			return c
		}
	}
	return nil
}

func fetchIssuer(ctx context.Context, client *http.Client, u string) (*x509.Certificate, error) {
	if !strings.HasPrefix(strings.ToLower(u), "http://") {
		return nil, fmt.Errorf("probe: AIA URL %q is not plain http://", u)
	}
	ctx, cancel := context.WithTimeout(ctx, client.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "tlsdoctor")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("probe: AIA fetch of %s: HTTP %d", u, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxAIASize+1))
	if err != nil {
		return nil, err
	}
	if len(body) > MaxAIASize {
		return nil, fmt.Errorf("probe: AIA response from %s exceeds %d bytes", u, MaxAIASize)
	}
	return ParseIssuer(body)
}

// ParseIssuer reads a certificate as AIA servers publish it: DER, PEM, or a
// PKCS#7 certs-only bundle (.p7c); the first certificate is returned.
func ParseIssuer(b []byte) (*x509.Certificate, error) {
	if blk, _ := pem.Decode(b); blk != nil {
		b = blk.Bytes
	}
	if c, err := x509.ParseCertificate(b); err == nil {
		return c, nil
	}
	if certs := pkcs7Certs(b); len(certs) > 0 {
		return x509.ParseCertificate(certs[0])
	}
	return nil, errors.New("probe: AIA response is not a certificate (DER, PEM or PKCS#7)")
}

// pkcs7Certs extracts the certificates of a PKCS#7 SignedData (RFC 2315).
func pkcs7Certs(b []byte) [][]byte {
	s := cryptobyte.String(b)
	var ci, content, sd, certs cryptobyte.String
	if !s.ReadASN1(&ci, cbasn1.SEQUENCE) || !ci.SkipASN1(cbasn1.OBJECT_IDENTIFIER) ||
		!ci.ReadASN1(&content, cbasn1.Tag(0).Constructed().ContextSpecific()) ||
		!content.ReadASN1(&sd, cbasn1.SEQUENCE) || !sd.SkipASN1(cbasn1.INTEGER) ||
		!sd.SkipASN1(cbasn1.SET) || !sd.SkipASN1(cbasn1.SEQUENCE) {
		return nil
	}
	if !sd.ReadASN1(&certs, cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return nil
	}
	var out [][]byte
	for !certs.Empty() {
		var c cryptobyte.String
		if !certs.ReadASN1Element(&c, cbasn1.SEQUENCE) {
			break
		}
		out = append(out, c)
	}
	return out
}
