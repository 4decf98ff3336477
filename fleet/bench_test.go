package fleet

import (
	"crypto/x509"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/lab/pki"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

// BenchmarkDiagnoseOneHandshake measures what scan --mode cert adds to a
// handshake on the client: judging one server's chain (each with its own
// leaf under a shared CA), against x509.Verify of the same chain, which a
// plain crypto/tls client does in its handshake.
//
//	go test -bench OneHandshake -run '^$' -benchtime 2000x ./fleet/
func BenchmarkDiagnoseOneHandshake(b *testing.B) {
	root, _ := pki.NewRoot(pki.Spec{CN: "Bench Root"})
	inter, _ := root.Intermediate(pki.Spec{CN: "Bench Intermediate"})
	const n = 2000 // a leaf each, as in a fleet: no signature check is repeated
	leaves := make([]*pki.Leaf, n)
	for i := range leaves {
		leaves[i], _ = inter.Leaf(pki.Spec{DNS: []string{"h.bench.test"}}, root.Cert)
	}
	p, _ := profile.Get("default")
	run := func(i int) *evidence.Run {
		return &evidence.Run{SchemaVersion: evidence.SchemaVersion, Profile: "default", Started: time.Now(), NoSystemRoots: true,
			ExtraRoots: [][]byte{root.Cert.Raw},
			Target:     evidence.Target{Input: "h.bench.test:443", Host: "h.bench.test", Port: 443, ServerName: "h.bench.test", SNI: "h.bench.test"},
			Addresses: []evidence.Address{{Addr: "127.0.0.1:443", Handshake: &evidence.Handshake{OK: true, Version: 0x0304, CipherSuite: 0x1301,
				Certificates: [][]byte{leaves[i%n].Cert.Raw, inter.Cert.Raw}}}}}
	}
	b.Run("diagnose", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if d := Diagnose(run(i), p, Trust{}); d.Cause != "OK" {
				b.Fatal(d.Cause, d.Summary)
			}
			i++
		}
	})
	b.Run("x509.Verify", func(b *testing.B) {
		roots := x509.NewCertPool()
		roots.AddCert(root.Cert)
		inters := x509.NewCertPool()
		inters.AddCert(inter.Cert)
		i := 0
		for b.Loop() {
			leaf, _ := x509.ParseCertificate(leaves[i%n].Cert.Raw)
			if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inters, DNSName: "h.bench.test"}); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
