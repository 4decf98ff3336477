package fleet

import (
	"crypto/x509"
	"errors"
	"testing"

	"github.com/tlsdoctor/tlsdoctor/lab/pki"
)

// The fallback roots are used, and parsed, only when the system has none.
func TestChooseRoots(t *testing.T) {
	root, _ := pki.NewRoot(pki.Spec{CN: "Fallback Root"})
	fb := pki.Pool(root.Cert)
	calls := 0
	fallback := func() (*x509.CertPool, []*x509.Certificate) { calls++; return fb, []*x509.Certificate{root.Cert} }
	sys := pki.Pool(root.Cert)
	if got := chooseRoots(sys, nil, fallback); got != sys || calls != 0 {
		t.Errorf("a system pool with roots: got the fallback (%v) or parsed it (%d calls)", got == fb, calls)
	}
	for name, p := range map[string]*x509.CertPool{"empty": x509.NewCertPool(), "nil": nil} {
		if got := chooseRoots(p, nil, fallback); got != fb {
			t.Errorf("%s system pool: not the fallback", name)
		}
	}
	if got := chooseRoots(nil, errors.New("no roots"), fallback); got != fb {
		t.Error("an error: not the fallback")
	}
	none := func() (*x509.CertPool, []*x509.Certificate) { return nil, nil }
	if got := chooseRoots(nil, errors.New("no roots"), none); got == nil {
		t.Error("no fallback: a nil pool")
	}
}
