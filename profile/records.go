package profile

import (
	"slices"
	"strings"
)

// records attaches to each profile what real clients confirmed here
// (checked) and lists every other rule it rests on with its sources, so
// that a profile says which of its rules were seen and which were read.
func records(ps []Profile) []Profile {
	for i := range ps {
		p := &ps[i]
		if c, ok := checked[p.ID]; ok {
			cc := *c
			cc.Confirmed = confirmedRules[p.ID]
			p.Checked = &cc
		}
		p.DocumentedOnly = documentedOnly(p)
	}
	return ps
}

// documentedNotes says more than the profile's Sources about a rule that
// no client here confirmed.
var documentedNotes = map[string]map[string]string{
	"python-requests": {"cn_fallback": "urllib3 2 turns the CN off (§14); Debian 12's urllib3 1.26 falls back to it (see Checked.Differs)"},
	"gnutls":          {"min_rsa_bits": "1024-bit keys work here (lab: rsa1024); smaller keys were not tried"},
	"wget":            {"min_rsa_bits": "1024-bit keys work here (lab: rsa1024); smaller keys were not tried"},
}

// documentedOnly lists the profile's rules that no real client here
// confirmed, each with the sources the profile rests on.
func documentedOnly(p *Profile) []Rule {
	rules := []string{"versions", "cipher_suites", "groups"}
	if len(p.SignatureAlgorithms) > 0 {
		rules = append(rules, "signature_algorithms")
	}
	rules = append(rules, "sends_sni", "trust")
	if p.Verifies() {
		rules = append(rules, "checks_hostname", "cn_fallback", "reject_sha1", "min_rsa_bits", "fetches_aia")
		if p.MinDHBits > 0 {
			rules = append(rules, "min_dh_bits")
		}
		if p.MaxValidity > 0 {
			rules = append(rules, "max_validity_days")
		}
		if p.MaxIntermediates > 0 {
			rules = append(rules, "max_intermediates")
		}
	}
	if p.MaxCertMessage > 0 {
		rules = append(rules, "max_cert_message")
	}
	if p.RequireSecureRenegotiation {
		rules = append(rules, "require_secure_renegotiation")
	}
	if len(p.Logs) > 0 {
		rules = append(rules, "logs")
	}
	var out []Rule
	for _, r := range rules {
		if p.Checked != nil && slices.ContainsFunc(p.Checked.Confirmed, func(c Rule) bool { return c.Rule == r }) {
			continue
		}
		basis := strings.Join(p.Sources, "; ")
		if n, ok := documentedNotes[p.ID][r]; ok {
			basis = n
		}
		out = append(out, Rule{Rule: r, Basis: basis})
	}
	return out
}
