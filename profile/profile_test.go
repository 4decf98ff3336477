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
		if len(p.Versions) == 0 || len(p.CipherSuites) == 0 {
			t.Errorf("%s: empty offer", p.ID)
		}
		if p.MaxVersion() >= wire.VersionTLS12 && len(p.SignatureAlgorithms) == 0 {
			t.Errorf("%s: TLS 1.2 without signature_algorithms", p.ID)
		}
		ecc := false
		for _, s := range p.CipherSuites {
			if su, _ := wire.LookupSuite(s); su.Kex == "ECDHE" || su.Kex == "TLS13" {
				ecc = true
			}
		}
		if ecc && len(p.Groups) == 0 {
			t.Errorf("%s: ECDHE suites without groups", p.ID)
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
		if p.Verifies() && p.Trust != TrustSystem && p.Trust != TrustBundleOnly && p.Trust != TrustPublic && p.Trust != TrustAnyRoot {
			t.Errorf("%s: unknown trust %q", p.ID, p.Trust)
		}
		for c := range p.Logs {
			if !c.Known() {
				t.Errorf("%s: log for unknown cause %s", p.ID, c)
			}
		}
	}
	// The clients the issue names, each required.
	for _, id := range []string{"default", "go", "openssl", "curl", "python-requests", "node", "dotnet", "java-6", "java-7",
		"java-8", "java-11", "java-17", "java-21", "android-4.4", "android-7", "chrome", "firefox", "safari", "nginx-proxy",
		"nginx-proxy-verify", "envoy", "haproxy", "aws-apigw-rest", "aws-apigw-rest-skip-verify", "aws-apigw-http",
		"oci-apigw", "azure-appgw-v2"} {
		if _, err := Get(id); err != nil {
			t.Error(err)
		}
	}
	if _, err := Get("netscape"); err == nil {
		t.Error("unknown profile accepted")
	}
}

// Every profile says how it checks revocation and finds its proxy, with sources.
func TestPoliciesAreData(t *testing.T) {
	for _, p := range All() {
		if len(p.Revocation.Sources) == 0 || len(p.Proxy.Sources) == 0 {
			t.Errorf("%s: revocation and proxy policies need sources", p.ID)
		}
		if p.Revocation.HardFail && !p.Revocation.Online() {
			t.Errorf("%s: hard-fail without a source to fail on", p.ID)
		}
		if len(p.Proxy.Env) > 0 && len(p.Proxy.NoProxy) == 0 {
			t.Errorf("%s: reads proxy variables but no NO_PROXY", p.ID)
		}
	}
	ff, _ := Get("firefox")
	if r, ok := ff.Revocation.Effective(false); !ok || !r.Staple || !r.MustStaple || r.HardFail {
		t.Errorf("firefox: %+v", r)
	}
	chrome, _ := Get("chrome")
	if r, ok := chrome.Revocation.Effective(false); !ok || r.Online() {
		t.Errorf("chrome fetches nothing as shipped: %+v", r)
	}
	if r, _ := chrome.Revocation.Effective(true); !r.Online() {
		t.Errorf("chrome with --revocation: %+v", r)
	}
	java, _ := Get("java-17")
	if _, ok := java.Revocation.Effective(false); ok {
		t.Error("java checks nothing as shipped")
	}
	if r, ok := java.Revocation.Effective(true); !ok || !r.HardFail || !r.Chain {
		t.Errorf("java switched on: %+v", r)
	}
	gop, _ := Get("go")
	if r, ok := gop.Revocation.Effective(true); !ok || !r.Online() || r.HardFail {
		t.Errorf("go forced: every source, soft: %+v", r)
	}
}
