package profile

import (
	"testing"

	"github.com/tlsdoctor/tlsdoctor/wire"
)

func TestProfilesAreWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range All() {
		if seen[p.ID] {
			t.Errorf("duplicate profile %s", p.ID)
		}
		seen[p.ID] = true
		if p.Name == "" || p.Description == "" || len(p.Sources) == 0 {
			t.Errorf("%s: name, description and sources are required", p.ID)
		}
		if len(p.Versions) == 0 || len(p.CipherSuites) == 0 || len(p.Groups) == 0 || len(p.SignatureAlgorithms) == 0 {
			t.Errorf("%s: empty offer", p.ID)
		}
		for _, s := range p.CipherSuites {
			if _, ok := wire.LookupSuite(s); !ok {
				t.Errorf("%s: unknown suite 0x%04x", p.ID, s)
			}
		}
		for _, k := range p.KeyShares {
			found := false
			for _, g := range p.Groups {
				found = found || g == k
			}
			if !found {
				t.Errorf("%s: key share %s not among its groups", p.ID, wire.GroupName(k))
			}
		}
		if p.Verifies() && p.Trust != TrustSystem && p.Trust != TrustBundleOnly {
			t.Errorf("%s: unknown trust %q", p.ID, p.Trust)
		}
		for c := range p.Logs {
			if !c.Known() {
				t.Errorf("%s: log for unknown cause %s", p.ID, c)
			}
		}
	}
	for _, id := range []string{"default", "go", "openssl", "nginx-proxy"} {
		if _, err := Get(id); err != nil {
			t.Error(err)
		}
	}
	if _, err := Get("netscape"); err == nil {
		t.Error("unknown profile accepted")
	}
}
