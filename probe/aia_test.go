package probe

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/evidence"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// testCA issues certificates; aia are the caIssuers URLs its certificates
// carry.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func issue(t *testing.T, parent *testCA, cn string, isCA bool, aia []string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: isCA, BasicConstraintsValid: true, IssuingCertificateURL: aia,
	}
	if !isCA {
		tmpl.DNSNames = []string{cn}
	}
	signer, signerKey := tmpl, key
	if parent != nil {
		signer, signerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: c, key: key}
}

// pkcs7 wraps DER certificates in a certs-only PKCS#7 SignedData (.p7c).
func pkcs7(certs ...[]byte) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2})
		b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1Int64(1)
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {})
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1})
				})
				b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
					for _, c := range certs {
						b.AddBytes(c)
					}
				})
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {})
			})
		})
	})
	return b.BytesOrPanic()
}

// files is what an AIA server publishes, by path; safe to fill while it runs.
type files struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (f *files) set(path string, b []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil {
		f.m = map[string][]byte{}
	}
	f.m[path] = b
}

func (f *files) get(path string) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.m[path]
}

// aiaServer serves f on plain HTTP at 127.0.0.1; /loop redirects to itself.
func aiaServer(t *testing.T, f *files) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch b := f.get(r.URL.Path); {
		case r.URL.Path == "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case b != nil:
			w.Write(b)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestParseIssuer(t *testing.T) {
	root := issue(t, nil, "Root", true, nil)
	inter := issue(t, root, "Intermediate", true, nil)
	tests := []struct {
		name string
		in   []byte
		ok   bool
	}{
		{"der", inter.cert.Raw, true},
		{"pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: inter.cert.Raw}), true},
		{"pkcs7", pkcs7(inter.cert.Raw, root.cert.Raw), true},
		{"pkcs7-empty", pkcs7(), false},
		{"pkcs7-garbage-certificate", pkcs7([]byte{0x30, 0x03, 0x02, 0x01, 0x01}), false},
		{"pem-of-garbage", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("nope")}), false},
		{"text", []byte("not a certificate"), false},
		{"empty", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseIssuer(tt.in)
			if tt.ok != (err == nil) {
				t.Fatalf("got %v", err)
			}
			if tt.ok && !c.Equal(inter.cert) {
				t.Fatalf("got %s", c.Subject)
			}
		})
	}
}

func TestFetchAIA(t *testing.T) {
	root := issue(t, nil, "Root", true, nil)
	f := &files{}
	srv := aiaServer(t, f)
	srvURL := srv.URL
	inter := issue(t, root, "Intermediate", true, []string{srvURL + "/root.p7c"})
	f.set("/inter.der", inter.cert.Raw)
	f.set("/inter.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: inter.cert.Raw}))
	f.set("/root.p7c", pkcs7(root.cert.Raw))
	f.set("/garbage", []byte("<html>moved</html>"))
	f.set("/huge", make([]byte, MaxAIASize+1))
	var many []string
	for i := range 10 {
		many = append(many, srvURL+"/missing-"+strings.Repeat("x", i))
	}
	tests := []struct {
		name    string
		aia     []string
		want    []string // per fetch: "ok" or the failure kind
		fetched []*x509.Certificate
		errText string
	}{
		{"der-then-pkcs7", []string{srvURL + "/inter.der"}, []string{"ok", "ok"}, []*x509.Certificate{inter.cert, root.cert}, ""},
		{"pem-then-pkcs7", []string{srvURL + "/inter.pem"}, []string{"ok", "ok"}, []*x509.Certificate{inter.cert, root.cert}, ""},
		{"first-url-fails", []string{srvURL + "/gone", srvURL + "/inter.der"}, []string{KindMalformed, "ok", "ok"}, nil, "404"},
		{"not-a-certificate", []string{srvURL + "/garbage"}, []string{KindMalformed}, nil, "not a certificate"},
		{"too-large", []string{srvURL + "/huge"}, []string{KindMalformed}, nil, "exceeds"},
		{"redirect-loop", []string{srvURL + "/loop"}, []string{KindMalformed}, nil, "redirects"},
		{"https-url", []string{strings.Replace(srvURL, "http:", "https:", 1) + "/inter.der"}, []string{KindMalformed}, nil, "not plain http"},
		{"refused", []string{"http://" + closedPort(t) + "/inter.der"}, []string{KindRefused}, nil, ""},
		{"at-most-eight", many, []string{KindMalformed, KindMalformed, KindMalformed, KindMalformed, KindMalformed, KindMalformed, KindMalformed, KindMalformed}, nil, "404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leaf := issue(t, inter, testName, false, tt.aia)
			run := &evidence.Run{Addresses: []evidence.Address{{
				Handshake:    &evidence.Handshake{Certificates: [][]byte{leaf.cert.Raw}},
				AltHandshake: &evidence.Handshake{Certificates: [][]byte{leaf.cert.Raw}},
			}}}
			opts := Options{Timeout: 10 * time.Second}
			opts.defaults()
			var progress []string
			opts.Progress = func(f string, a ...any) { progress = append(progress, f) }
			got := fetchAIA(context.Background(), run, &opts)
			var kinds []string
			var certs []*x509.Certificate
			for _, a := range got {
				if a.Err != nil {
					kinds = append(kinds, a.Err.Kind)
					if tt.errText != "" && !strings.Contains(a.Err.Message, tt.errText) {
						t.Errorf("%s: %s", a.URL, a.Err.Message)
					}
					continue
				}
				kinds = append(kinds, "ok")
				c, err := x509.ParseCertificate(a.Certificate)
				if err != nil {
					t.Fatal(err)
				}
				certs = append(certs, c)
			}
			if !slices.Equal(kinds, tt.want) || len(progress) != len(got) {
				t.Fatalf("fetches %q, want %q (%+v)", kinds, tt.want, got)
			}
			if tt.fetched != nil && !slices.EqualFunc(certs, tt.fetched, func(a, b *x509.Certificate) bool { return a.Equal(b) }) {
				t.Fatalf("fetched %d certificates", len(certs))
			}
			if got[0].URL != tt.aia[0] || got[0].For != leaf.cert.Subject.String() {
				t.Fatalf("first fetch %+v", got[0])
			}
		})
	}
}

// End to end: a server that sends its leaf alone; the run carries the
// issuers fetched from the AIA URLs.
func TestRunFetchesAIA(t *testing.T) {
	root := issue(t, nil, "Root", true, nil)
	f := &files{}
	srv := aiaServer(t, f)
	inter := issue(t, root, "Intermediate", true, []string{srv.URL + "/root.der"})
	leaf := issue(t, inter, testName, false, []string{srv.URL + "/inter.der"})
	f.set("/inter.der", inter.cert.Raw)
	f.set("/root.der", root.cert.Raw)

	cfg := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{leaf.cert.Raw}, PrivateKey: leaf.key}}}
	tlsSrv := startGoServer(t, cfg, nil)
	tests := []struct {
		name  string
		noAIA bool
	}{
		{"fetched", false},
		{"no-aia-option", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOptions(testProfile(true), tlsSrv.addr())
			opts.NoAIA, opts.NoHTTP = tt.noAIA, true
			run := mustRun(t, tlsSrv.port(), opts)
			if tt.noAIA {
				if run.AIA != nil {
					t.Fatalf("fetched with NoAIA: %+v", run.AIA)
				}
				return
			}
			if len(run.AIA) != 2 || string(run.AIA[0].Certificate) != string(inter.cert.Raw) || string(run.AIA[1].Certificate) != string(root.cert.Raw) ||
				run.AIA[1].For != inter.cert.Subject.String() {
				t.Fatalf("aia %+v", run.AIA)
			}
		})
	}
}
