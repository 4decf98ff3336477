package diagnose

import (
	"fmt"
	"strings"

	"github.com/tlsdoctor/tlsdoctor/cause"
)

// merge sets the primary verdict from the per-address ones: the shared
// cause when they agree, INCONSISTENT_BACKENDS when they do not.
func (d *Diagnosis) merge() {
	first := d.Addresses[0]
	same := true
	for _, a := range d.Addresses[1:] {
		if a.Cause != first.Cause {
			same = false
		}
	}
	if same {
		d.apply(first)
		if n := len(d.Addresses); n > 1 {
			d.Summary += fmt.Sprintf(" (all %d addresses)", n)
			if leafDiffers(d.Addresses) {
				d.Findings = append(d.Findings, Finding{Code: cause.InconsistentBackends, Message: "the addresses serve different leaf certificates: " + leafList(d.Addresses)})
			}
		}
		return
	}
	d.Cause = cause.InconsistentBackends
	d.Layer = cause.InconsistentBackends.Info().Layer
	d.Rule, d.Confidence, d.FixSide = ruleAddressesDisagree.ID, ruleAddressesDisagree.Confidence, ruleAddressesDisagree.FixSide
	var bad, good []string
	for _, a := range d.Addresses {
		if a.Cause == cause.OK {
			good = append(good, a.Addr)
		} else {
			bad = append(bad, a.Addr)
		}
	}
	d.Summary = fmt.Sprintf("The %d addresses behind %s disagree: %s", len(d.Addresses), d.ServerName, verdictList(d.Addresses))
	for _, a := range d.Addresses {
		d.Evidence = append(d.Evidence, fmt.Sprintf("%s: %s: %s", a.Addr, a.Cause, a.Summary))
	}
	if len(good) > 0 {
		d.Evidence = append(d.Evidence, "working: "+strings.Join(good, ", "))
	}
	for _, a := range d.Addresses {
		if a.Cause == cause.OK {
			continue
		}
		for _, f := range a.Fix {
			d.Fix = append(d.Fix, fmt.Sprintf("%s: %s", a.Addr, f))
		}
		d.Artifacts = append(d.Artifacts, a.Artifacts...)
	}
	if len(bad) > 0 {
		d.Fix = append([]string{"fix the node(s) at " + strings.Join(bad, ", ") + "; the others already work"}, d.Fix...)
	}
	d.Findings = []Finding{}
}

func verdictList(as []AddressResult) string {
	var s []string
	for _, a := range as {
		s = append(s, fmt.Sprintf("%s %s", a.Addr, a.Cause))
	}
	return strings.Join(s, ", ")
}

func leafDiffers(as []AddressResult) bool {
	var first string
	for _, a := range as {
		if len(a.Certificates) == 0 {
			continue
		}
		if first == "" {
			first = a.Certificates[0].SHA256
		} else if a.Certificates[0].SHA256 != first {
			return true
		}
	}
	return false
}

func leafList(as []AddressResult) string {
	var s []string
	for _, a := range as {
		if len(a.Certificates) > 0 {
			s = append(s, fmt.Sprintf("%s serves %s (sha256 %s...)", a.Addr, a.Certificates[0].Subject, a.Certificates[0].SHA256[:12]))
		}
	}
	return strings.Join(s, "; ")
}
