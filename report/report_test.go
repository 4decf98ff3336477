package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func sample() *diagnose.Diagnosis {
	return &diagnose.Diagnosis{
		SchemaVersion: 1, Target: "https://api.example.test/", ServerName: "api.example.test",
		Profile: "default", ProfileName: "modern mainstream client", Cause: cause.CertExpired, Layer: "certificate",
		Summary: "The leaf \"api.example.test\" expired 3 days ago",
		Verdict: diagnose.Verdict{Rule: "cert.expired", Confidence: diagnose.Proved, FixSide: diagnose.ServerSide,
			Evidence: []string{"the server sent 2 certificates"},
			Fix:      []string{"renew the certificate"}},
		ClientLog: "x509: certificate has expired or is not yet valid",
		Findings:  []diagnose.Finding{{Code: cause.SNIRequired, Message: "without SNI the handshake fails"}, {Message: "the root is sent"}},
		Addresses: []diagnose.AddressResult{
			{Addr: "192.0.2.1:443", Cause: cause.CertExpired, Negotiated: &diagnose.Negotiated{Version: "TLS 1.3", CipherSuite: "TLS_AES_128_GCM_SHA256"},
				Certificates: []diagnose.Certificate{{Role: "leaf", Subject: "CN=api.example.test", Issuer: "CN=CA", NotBefore: "2025-01-01T00:00:00Z", NotAfter: "2026-01-01T00:00:00Z", Names: []string{"api.example.test"}, Key: "ECDSA 256", Signature: "ECDSA-SHA256", SHA256: "ab", Source: "served"}}},
			{Addr: "192.0.2.2:443", Cause: cause.OK},
		},
		Reproducers: []diagnose.Reproducer{
			{Addr: "192.0.2.1:443", Tool: "openssl", Kind: "fails", What: "a certificate of the chain has expired",
				Command: "openssl s_client -connect 192.0.2.1:443 -servername api.example.test -CAfile ca-bundle.pem -verify_return_error </dev/null",
				Expect:  "verify error:num=10:certificate has expired", Needs: []string{"ca-bundle.pem: the CA certificate given to the check"}},
			{Addr: "192.0.2.1:443", Tool: "curl", Kind: "fails", What: "a certificate of the chain has expired",
				Command: "curl -sS -o /dev/null --resolve api.example.test:443:192.0.2.1 https://api.example.test:443/",
				Expect:  "SSL certificate problem: certificate has expired", Note: "curl stops at the first error"},
		},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from the golden file (go test ./report -update to accept):\n%s", name, got)
	}
}

func TestTextGolden(t *testing.T) {
	var b bytes.Buffer
	Text(&b, sample(), Style{Recheck: "tlsdoctor check https://api.example.test/", RecheckAlso: []string{"if the server is fixed instead: tlsdoctor check https://api.example.test/ --no-sni"}})
	golden(t, "expired.txt", b.Bytes())
	if strings.Contains(b.String(), "\x1b[") {
		t.Fatal("colour without Style.Color")
	}
	b.Reset()
	Text(&b, sample(), Style{Color: true})
	if !strings.Contains(b.String(), "\x1b[1;31mCERT_EXPIRED") {
		t.Fatal("no colour with Style.Color")
	}
}

func TestJSONGolden(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, sample()); err != nil {
		t.Fatal(err)
	}
	golden(t, "expired.json", b.Bytes())
	var back diagnose.Diagnosis
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || back.Cause != cause.CertExpired {
		t.Fatalf("round trip: %v %v", err, back.Cause)
	}
}

func TestCompareDiagnoses(t *testing.T) {
	before, after := sample(), sample()
	after.Cause, after.Summary = cause.OK, "works"
	a := &after.Addresses[0]
	a.Cause, a.Negotiated = cause.OK, &diagnose.Negotiated{Version: "TLS 1.2", CipherSuite: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"}
	a.Certificates = []diagnose.Certificate{{Role: "leaf", Subject: "CN=api.example.test", Issuer: "CN=CA", Serial: "2", NotBefore: "2026-01-01T00:00:00Z", NotAfter: "2027-01-01T00:00:00Z", SHA256: "cd", Source: "served"},
		{Role: "intermediate", Subject: "CN=CA", SHA256: "ef", Source: "served"}}
	after.Addresses = after.Addresses[:1]
	td := CompareDiagnoses(before, after)
	if td.Status != "changed" || td.Cause.Before != "CERT_EXPIRED" || td.Cause.After != "OK" || len(td.Addresses) != 2 {
		t.Fatalf("%+v", td)
	}
	ad := td.Addresses[0]
	if ad.Version.After != "TLS 1.2" || len(ad.Certificates) != 2 || ad.Certificates[0].Status != "replaced" || ad.Certificates[1].Status != "added" ||
		ad.Certificates[0].Fields["not_after"].After != "2027-01-01T00:00:00Z" || ad.Certificates[0].Fields["serial"].Before != "" {
		t.Fatalf("%+v", ad)
	}
	if td.Addresses[1].Status != "removed" || td.Addresses[1].Addr != "192.0.2.2:443" {
		t.Fatalf("%+v", td.Addresses[1])
	}
	if same := CompareDiagnoses(before, sample()); same.Status != "unchanged" || len(same.Addresses) != 0 {
		t.Fatalf("%+v", same)
	}
	var b bytes.Buffer
	DiffText(&b, Compare("a.json", []Entry{{Diagnosis: before}}, "b.json", []Entry{{Diagnosis: after}}), Style{})
	golden(t, "diff.txt", b.Bytes())
}

func TestCompareServers(t *testing.T) {
	b := &diagnose.ServerReport{Versions: []diagnose.VersionReport{{Version: "TLS 1.3", Accepted: true, Suites: []string{"TLS_AES_128_GCM_SHA256"}}, {Version: "TLS 1.0", Accepted: true}}, Groups13: []string{"x25519"}, NoSNI: "accepted"}
	a := &diagnose.ServerReport{Versions: []diagnose.VersionReport{{Version: "TLS 1.3", Accepted: true, Suites: []string{"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"}}, {Version: "TLS 1.0"}}, Groups13: []string{"x25519", "secp256r1"}, NoSNI: "accepted"}
	got := strings.Join(compareServer(b, a), "\n")
	for _, want := range []string{"TLS 1.3 suites added: TLS_AES_256_GCM_SHA384", "TLS 1.0 no longer accepted", "groups (TLS 1.3) added: secp256r1"} {
		if !strings.Contains(got, want) {
			t.Fatalf("%q lacks %q", got, want)
		}
	}
}

// Two checks with no address in common (a service moved) pair in order.
func TestCompareMovedAddresses(t *testing.T) {
	b, a := sample(), sample()
	a.Addresses[0].Addr, a.Addresses[1].Addr = "198.51.100.1:443", "198.51.100.2:443"
	a.Addresses[0].Negotiated = &diagnose.Negotiated{Version: "TLS 1.2", CipherSuite: "X"}
	td := CompareDiagnoses(b, a)
	if len(td.Addresses) != 2 || td.Addresses[0].Addr != "192.0.2.1:443 -> 198.51.100.1:443" || td.Addresses[0].Version == nil || td.Addresses[1].Status != "changed" {
		t.Fatalf("%+v", td.Addresses)
	}
}
