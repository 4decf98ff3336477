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
	Text(&b, sample(), Style{Recheck: "tlsdoctor check https://api.example.test/"})
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
