package inventory

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tlsdoctor/tlsdoctor/profile"
)

// Apply returns base changed by the target's settings (verification, SNI,
// versions, ciphers), and warnings for settings that are not modelled. The
// result keeps base's ID; its Name says that it is as configured. base is
// not changed.
func (t *Target) Apply(base *profile.Profile) (*profile.Profile, []string) {
	if t.SNI == nil && t.Verify == nil && !t.OnlyCAs && t.CheckName == nil && len(t.Versions) == 0 && t.Ciphers == "" && t.VerifyDepth == 0 {
		return base, nil
	}
	p := *base
	var warnings, changed []string
	if t.Verify != nil {
		switch {
		case !*t.Verify:
			p.Trust, p.ChecksHostname, p.CNFallback = profile.TrustNone, false, false
			changed = append(changed, "no verification")
		case p.Trust == profile.TrustNone:
			p.Trust, p.ChecksHostname = profile.TrustSystem, true
			if len(t.CAFiles)+len(t.CARefs)+len(t.CAPEM) > 0 {
				p.Trust = profile.TrustBundleOnly
			}
			changed = append(changed, "verification on")
		}
	}
	if t.OnlyCAs && p.Verifies() && p.Trust != profile.TrustBundleOnly {
		p.Trust = profile.TrustBundleOnly
		changed = append(changed, "only the configured CAs trusted")
	}
	if t.CheckName != nil && p.Verifies() && *t.CheckName != p.ChecksHostname {
		p.ChecksHostname = *t.CheckName
		changed = append(changed, map[bool]string{true: "name checked", false: "name not checked"}[*t.CheckName])
	}
	if t.SNI != nil && *t.SNI != p.SendsSNI {
		p.SendsSNI = *t.SNI
		changed = append(changed, map[bool]string{true: "SNI", false: "no SNI"}[*t.SNI])
	}
	if len(t.Versions) > 0 {
		vs := slices.Clone(t.Versions)
		slices.Sort(vs)
		slices.Reverse(vs)
		p.Versions = slices.Compact(vs)
		changed = append(changed, "versions "+p.VersionNames())
		if p.Offers(0x0304) && !slices.ContainsFunc(p.CipherSuites, isTLS13Suite) {
			// A client allowed TLS 1.3 offers its suites (OpenSSL and
			// BoringSSL always do) and a key share.
			p.CipherSuites = append([]uint16{0x1301, 0x1302, 0x1303}, p.CipherSuites...)
			if len(p.KeyShares) == 0 && len(p.Groups) > 0 {
				p.KeyShares = p.Groups[:1]
			}
		}
	}
	if t.Ciphers != "" {
		suites, w := OpenSSLCiphers(t.Ciphers, p.CipherSuites)
		warnings = append(warnings, w...)
		if len(suites) == 0 {
			warnings = append(warnings, fmt.Sprintf("cipher string %q leaves no suite: the client can offer nothing", t.Ciphers))
		}
		p.CipherSuites = suites
		changed = append(changed, "ciphers "+t.Ciphers)
	}
	if t.VerifyDepth > 0 && t.VerifyDepth != p.MaxIntermediates {
		p.MaxIntermediates = t.VerifyDepth
		changed = append(changed, fmt.Sprintf("verify depth %d", t.VerifyDepth))
	}
	if len(changed) > 0 {
		p.Name += " (as configured: " + strings.Join(changed, "; ") + ")"
	}
	return &p, warnings
}
