package lab

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/lab/pki"
	"golang.org/x/crypto/ocsp"
)

// revocationService answers OCSP requests and serves CRLs for the lab's
// CAs, as a CA's responder and CRL server do: every certificate is good
// unless revoked here.
type revocationService struct {
	mu      sync.Mutex
	base    string
	cas     map[string]*pki.CA
	revoked map[string]map[string]time.Time // CA name -> serial (hex) -> revocation time
}

func newRevocationService(base string) *revocationService {
	return &revocationService{base: base, cas: map[string]*pki.CA{}, revoked: map[string]map[string]time.Time{}}
}

func (s *revocationService) addCA(name string, ca *pki.CA) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cas[name] = ca
	s.revoked[name] = map[string]time.Time{}
}

func (s *revocationService) ocspURL(ca string) string { return s.base + "/ocsp/" + ca }
func (s *revocationService) crlURL(ca string) string  { return s.base + "/crl/" + ca + ".crl" }

// revoke marks a certificate issued by the named CA revoked (keyCompromise).
func (s *revocationService) revoke(ca string, c *x509.Certificate, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked[ca][c.SerialNumber.Text(16)] = at
}

// response is the CA's signed OCSP response for the serial.
func (s *revocationService) response(ca string, serial *big.Int) ([]byte, error) {
	s.mu.Lock()
	issuer, ok := s.cas[ca]
	at, revoked := s.revoked[ca][serial.Text(16)]
	s.mu.Unlock()
	if !ok {
		return nil, io.EOF
	}
	now := time.Now()
	tmpl := ocsp.Response{Status: ocsp.Good, SerialNumber: serial, ThisUpdate: now.Add(-time.Hour), NextUpdate: now.Add(24 * time.Hour)}
	if revoked {
		tmpl.Status, tmpl.RevokedAt, tmpl.RevocationReason = ocsp.Revoked, at, ocsp.KeyCompromise
	}
	return ocsp.CreateResponse(issuer.Cert, issuer.Cert, tmpl, issuer.Key)
}

// crl is the CA's current CRL.
func (s *revocationService) crl(ca string) ([]byte, error) {
	s.mu.Lock()
	issuer, ok := s.cas[ca]
	var entries []x509.RevocationListEntry
	for serial, at := range s.revoked[ca] {
		n, _ := new(big.Int).SetString(serial, 16)
		entries = append(entries, x509.RevocationListEntry{SerialNumber: n, RevocationTime: at, ReasonCode: ocsp.KeyCompromise})
	}
	s.mu.Unlock()
	if !ok {
		return nil, io.EOF
	}
	now := time.Now()
	return x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(now.UnixNano()),
		ThisUpdate: now.Add(-time.Hour), NextUpdate: now.Add(24 * time.Hour), RevokedCertificateEntries: entries}, issuer.Cert, issuer.Key)
}

// register serves /ocsp/NAME (POST, or GET with the request in the path,
// RFC 6960 appendix A.1) and /crl/NAME.crl.
func (s *revocationService) register(mux *http.ServeMux) {
	mux.HandleFunc("/ocsp/", func(w http.ResponseWriter, r *http.Request) {
		rest := strings.TrimPrefix(r.URL.Path, "/ocsp/")
		name, enc, _ := strings.Cut(rest, "/")
		var der []byte
		switch r.Method {
		case http.MethodPost:
			der, _ = io.ReadAll(io.LimitReader(r.Body, 64<<10))
		case http.MethodGet:
			if u, err := url.PathUnescape(enc); err == nil {
				der, _ = base64.StdEncoding.DecodeString(u)
			}
		}
		req, err := ocsp.ParseRequest(der)
		if err != nil {
			w.Header().Set("Content-Type", "application/ocsp-response")
			w.Write(ocsp.MalformedRequestErrorResponse)
			return
		}
		resp, err := s.response(name, req.SerialNumber)
		if err != nil {
			w.Header().Set("Content-Type", "application/ocsp-response")
			w.Write(ocsp.UnauthorizedErrorResponse)
			return
		}
		w.Header().Set("Content-Type", "application/ocsp-response")
		w.Write(resp)
	})
	mux.HandleFunc("/crl/", func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/crl/"), ".crl")
		der, err := s.crl(name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/pkix-crl")
		w.Write(der)
	})
}

// revocation starts the endpoints whose certificates are revoked, demand a
// staple, or name responders nobody can reach; each is checked as the
// client whose policy decides it.
func (b *builder) revocation() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	offline := "http://" + ln.Addr().String() // closed at once: connections are refused
	ln.Close()
	cases := []struct {
		name, profile, desc string
		want                cause.Code
		spec                pki.Spec
		revoked, forced     bool
		staple              bool
	}{
		{"revoked-stapled", "firefox", "the leaf is revoked and the server staples the CA's \"revoked\" OCSP response", cause.CertRevoked, pki.Spec{}, true, false, true},
		{"revoked-ocsp", "firefox", "the leaf is revoked; the CA's OCSP responder says so", cause.CertRevoked, pki.Spec{}, true, false, false},
		{"revoked-crl", "curl-windows", "the leaf is revoked; it names only a CRL, which lists it", cause.CertRevoked, pki.Spec{OCSP: []string{}}, true, false, false},
		{"revoked-forced", "default", "the leaf is revoked; checked with --revocation for a client that does not check", cause.CertRevoked, pki.Spec{}, true, true, false},
		{"must-staple-missing", "firefox", "the leaf demands a stapled OCSP response (must-staple); the server staples none", cause.RevocationUnavailable, pki.Spec{MustStaple: true}, false, false, false},
		{"stapled-good", "firefox", "a must-staple leaf with a good stapled response", cause.OK, pki.Spec{MustStaple: true}, false, false, true},
		{"revocation-offline", "curl-windows", "the leaf's OCSP responder and CRL server do not answer", cause.RevocationUnavailable,
			pki.Spec{OCSP: []string{offline + "/ocsp"}, CRL: []string{offline + "/inter.crl"}}, false, false, false},
	}
	for _, c := range cases {
		l, err := b.leaf(c.name, c.spec)
		if err != nil {
			return err
		}
		if c.revoked {
			b.rev.revoke("inter", l.Cert, b.now.Add(-30*time.Minute))
		}
		tc := l.TLS(b.inter.Cert)
		if c.staple {
			if tc.OCSPStaple, err = b.rev.response("inter", l.Cert.SerialNumber); err != nil {
				return err
			}
		}
		e := &Endpoint{Name: c.name, Want: c.want, Description: c.desc, Profile: c.profile, Revocation: c.forced}
		if err := b.tlsEndpoint(e, tlsConfig(tc), "ok"); err != nil {
			return err
		}
	}
	return nil
}
